using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CsCheck;
using Hotline.Cli.Tips;
using Hotline.Encryption;
using Hotline.Tests.Infrastructure;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;

namespace Hotline.Tests.Properties;

/// <summary>Properties over generated input (CsCheck): what must hold for every value, not for the few a test names.</summary>
public sealed class PropertyTests
{
    private const string Token = "12345";
    private const string Url = "https://hotline.example.org/api/sms";

    // Any text a phone or a browser can send: every plane, controls, bidi marks, unpaired surrogates.
    private static readonly Gen<string> AnyText = Gen.String[Gen.Char, 0, 200];

    private static readonly Gen<Dictionary<string, string>> TwilioParameters =
        Gen.Dictionary(Gen.String[Gen.Char.AlphaNumeric, 1, 12], AnyText.Where(v => !v.Any(char.IsSurrogate)))[1, 8];

    [Fact]
    public void TwilioSignature_AnySignedRequest_IsValidAndAnyChangedValueIsNot()
    {
        var validator = TwilioWebhookSignature.FromOptions(new TwilioOptions { AuthToken = Token })!;
        TwilioParameters.Sample(parameters =>
        {
            var signature = Sign(parameters);
            Assert.True(validator.IsValid(Url, parameters, signature, signatureSettingsHeader: null));

            var key = parameters.Keys.First();
            var changed = new Dictionary<string, string>(parameters) { [key] = parameters[key] + "x" };
            Assert.False(validator.IsValid(Url, changed, signature, signatureSettingsHeader: null));
        }, iter: 300);
    }

    [Fact]
    public void TipId_AnyReceipt_ParsesBackFromEveryWayAPersonMightTypeIt()
    {
        Gen.Int.Select(_ => TipId.New()).Sample(id =>
        {
            foreach (var typed in new[] { id.ToString(), id.Compact, id.ToString().ToLowerInvariant(), id.ToString().Replace('-', ' '), id.ToString().Replace('-', '\u2013') })
            {
                Assert.True(TipId.TryParse(typed, out var parsed), typed);
                Assert.Equal(id, parsed);
            }
        }, iter: 500);
    }

    [Fact]
    public void TipId_AnyText_ParsesOrRefusesWithoutThrowing()
    {
        AnyText.Sample(text =>
        {
            if (TipId.TryParse(text, out var id))
            {
                Assert.Matches("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", id.Value.ToString());
            }
        }, iter: 2000);
    }

    [Fact]
    public void TextNormalizer_AnyText_FoldsToLowerCaseWordsWithoutMarksOrControls()
    {
        AnyText.Where(t => !t.Any(char.IsSurrogate)).Sample(text =>
        {
            var folded = TextNormalizer.Fold(text);

            Assert.StartsWith(" ", folded, StringComparison.Ordinal);
            Assert.EndsWith(" ", folded, StringComparison.Ordinal);
            Assert.DoesNotContain("  ", folded, StringComparison.Ordinal);
            Assert.DoesNotContain(folded, c => char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark);
            Assert.Equal(folded, TextNormalizer.Fold(folded));
            _ = UrgencyClassifier.Classify(text);
        }, iter: 2000);
    }

    [Fact]
    public void Envelope_AnyReport_RoundTripsThroughPaddingToItsSizeBucket()
    {
        AnyText.Where(t => !t.Any(char.IsSurrogate)).Sample(message =>
        {
            var report = new TipReport { TipId = "K7QF-2M9X-4TJD", Channel = Channel.Web, ReceivedAt = DateTimeOffset.UnixEpoch, Language = "ar", Urgency = Urgency.High, Message = message };
            var json = report.ToUtf8Json();

            var padded = ReportStore.Padded(json);

            Assert.True(padded.Length >= ReportStore.MinPaddedSize && int.IsPow2(padded.Length), $"{padded.Length} bytes");
            Assert.Equal(message, TipReport.FromUtf8Json(padded).Message);
        }, iter: 500);
    }

    [Fact]
    public void ContentKey_AnyKey_UnwrapsToItselfAndOnlyWithThePrivateKey()
    {
        using var publicKey = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);
        using var privateKey = RsaKeyEncryptionKey.FromPrivateKeyPem(TestKeys.PrivateKeyPem);
        Gen.Byte.Array[32].Sample(contentKey =>
        {
            var wrapped = publicKey.WrapKey(RsaKeyEncryptionKey.Algorithm, contentKey, TestContext.Current.CancellationToken);

            Assert.Equal(contentKey, privateKey.UnwrapKey(RsaKeyEncryptionKey.Algorithm, wrapped, TestContext.Current.CancellationToken));
            Assert.Throws<InvalidOperationException>(() => publicKey.UnwrapKey(RsaKeyEncryptionKey.Algorithm, wrapped, TestContext.Current.CancellationToken));
        }, iter: 50);
    }

    [Fact]
    public void TerminalText_AnyText_KeepsEveryCharacterButTheUnsafeOnes()
    {
        AnyText.Sample(text =>
        {
            var clean = TerminalText.Clean(text);
            var expected = text.ReplaceLineEndings("\n");

            Assert.Equal(expected.Length, clean.Length);
            Assert.DoesNotContain(clean, TerminalText.IsUnsafe);
            for (var i = 0; i < clean.Length; i++)
            {
                Assert.True(clean[i] == expected[i] || clean[i] == TerminalText.Replacement, $"position {i}");
            }
        }, iter: 2000);
    }

    private static string Sign(Dictionary<string, string> parameters) => TwilioSigning.Sign(Token, Url, parameters);
}
