using Hotline.Sms;

namespace Hotline.Tests.Sms;

public sealed class PhonePseudonymTests
{
    [Fact]
    public void Of_KnownPepperAndNumber_IsHmacSha256OfTheE164Number()
    {
        // Computed outside .NET: python3 -c "import hmac,hashlib; print(hmac.new(b'pepper-for-tests', b'+447700900123', hashlib.sha256).hexdigest())"
        Assert.Equal("7c0066f1bdf4ea5e22520b18e87b4471b7573918d05828e27cf3b42649229fb8", new PhonePseudonym("pepper-for-tests").Of("+447700900123"));
    }

    [Theory]
    [InlineData("+44 7700 900123")]
    [InlineData("+44-7700-900-123")]
    [InlineData(" +44 (7700) 900.123 ")]
    public void Of_SameNumberWrittenDifferently_IsTheSamePseudonym(string written)
    {
        var pseudonyms = new PhonePseudonym("pepper-for-tests");

        Assert.Equal(pseudonyms.Of("+447700900123"), pseudonyms.Of(written));
    }

    [Fact]
    public void Of_AnotherPepper_IsAnotherPseudonym()
    {
        Assert.NotEqual(new PhonePseudonym("pepper-a").Of("+447700900123"), new PhonePseudonym("pepper-b").Of("+447700900123"));
    }
}
