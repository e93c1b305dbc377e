using Hotline.Tests.Infrastructure;
using Hotline.Twilio;

namespace Hotline.Tests.Sms;

public sealed class TwilioSignatureTests
{
    // Twilio's published example (security docs and helper-library tests).
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    private static readonly Dictionary<string, string> Params = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void Compute_PublishedVector_MatchesTwilio()
    {
        Assert.Equal(Expected, TwilioSignature.Compute(Token, Url, Params));
    }

    [Fact]
    public void IsValid_PublishedVector_Accepts()
    {
        Assert.True(TwilioSignature.IsValid(Token, Url, Params, Expected));
    }

    [Theory]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2")]
    public void IsValid_UrlWithOrWithoutDefaultPort_AcceptsEitherSigning(string signedOver)
    {
        var signature = TwilioSignature.Compute(Token, signedOver, Params);

        Assert.True(TwilioSignature.IsValid(Token, Url, Params, signature));
        Assert.True(TwilioSignature.IsValid(Token, "https://mycompany.com:443/myapp.php?foo=1&bar=2", Params, signature));
    }

    [Theory]
    [InlineData("54321", Url, Expected)]
    [InlineData(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", Expected)]
    [InlineData(Token, "https://mycompany.org/myapp.php?foo=1&bar=2", Expected)]
    [InlineData(Token, "http://mycompany.com/myapp.php?foo=1&bar=2", Expected)]
    [InlineData(Token, Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8")]
    [InlineData(Token, Url, "")]
    [InlineData(Token, Url, null)]
    public void IsValid_AnythingChanged_Rejects(string token, string url, string? signature)
    {
        Assert.False(TwilioSignature.IsValid(token, url, Params, signature));
    }

    [Fact]
    public void IsValid_ParameterChanged_Rejects()
    {
        var changed = new Dictionary<string, string>(Params) { ["Digits"] = "1235" };

        Assert.False(TwilioSignature.IsValid(Token, Url, changed, Expected));
    }

    [Fact]
    public async Task Compute_AgainstTwilioHelperLibrary_AgreesOnUnicodeAndOddKeys()
    {
        var parameters = new Dictionary<string, string>
        {
            ["Body"] = "أخذوا جوازات سفرنا 🙏 & <b>\"quoted\"</b>",
            ["From"] = "+447700900123",
            ["a"] = "lower before upper?",
            ["B"] = "ordinal sort",
            ["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME",
        };
        var url = "https://hotline.example.org/api/sms?x=1";

        Assert.Equal(await TwilioNode.SignAsync("token-xyz", url, parameters), TwilioSignature.Compute("token-xyz", url, parameters));
    }

    /// <summary>
    /// Which URLs count as the one Twilio signed is the helper library's call: for each URL an
    /// operator might configure, ours accepts exactly when twilio-node's validateRequest does.
    /// </summary>
    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com:8443/myapp.php?foo=1&bar=2")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2")]
    [InlineData("HTTPS://MYCOMPANY.COM:443/myapp.php?foo=1&bar=2")]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=3")]
    [InlineData("https://mycompany.com/MyApp.php?foo=1&bar=2")]
    [InlineData("https://user@mycompany.com:443/myapp.php?foo=1&bar=2")]
    public async Task IsValid_UrlAsConfigured_AgreesWithTwilioHelperLibrary(string configured)
    {
        var theirs = await TwilioNode.ValidateAsync(Token, Expected, configured, Params);

        Assert.Equal(theirs, TwilioSignature.IsValid(Token, configured, Params, Expected));
    }

    [Fact]
    public async Task Compute_RepeatedParameter_AgreesWithTwilioHelperLibrary()
    {
        // A repeated name: the library signs its distinct values in order, each with the name.
        KeyValuePair<string, string>[] parameters =
        [
            new("To", "+18005551212"),
            new("Tag", "zeta"),
            new("From", "+14158675309"),
            new("Tag", "alpha"),
            new("Tag", "zeta"),
        ];
        var url = "https://hotline.example.org/api/sms";

        var theirs = await TwilioNode.SignAsync("token-xyz", url, parameters);

        Assert.Equal(theirs, TwilioSignature.Compute("token-xyz", url, parameters));
        Assert.True(TwilioSignature.IsValid("token-xyz", url, parameters, theirs));
    }
}
