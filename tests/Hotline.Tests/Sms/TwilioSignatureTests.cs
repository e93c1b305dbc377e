using System.Security.Cryptography;
using System.Text;
using Hotline.Tests.Infrastructure;
using Hotline.Twilio;

namespace Hotline.Tests.Sms;

/// <summary>
/// <see cref="TwilioWebhookSignature"/> (Twilio's RequestValidator, with the scheme pinned by our settings)
/// against Twilio's published vectors, signatures made by Twilio's Node library, and that library's own verdicts.
/// </summary>
public sealed class TwilioSignatureTests
{
    // Twilio's published example (security docs and helper-library tests).
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string Expected = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    private const string SharedKey = "shared-key-secret-0123456789";
    private const string Sha256Header = "key=webhooks_sharedkey_1,algorithm=HMAC_SHA256";

    private static readonly Dictionary<string, string> Params = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+14158675309",
        ["Digits"] = "1234",
        ["From"] = "+14158675309",
        ["To"] = "+18005551212",
    };

    private static TwilioWebhookSignature AuthToken(string token = Token) =>
        TwilioWebhookSignature.FromOptions(new TwilioOptions { AuthToken = token })!;

    private static TwilioWebhookSignature WithSharedKey(string key = SharedKey) =>
        TwilioWebhookSignature.FromOptions(new TwilioOptions { AuthToken = Token, WebhookSigningKey = key })!;

    [Fact]
    public void IsValid_PublishedVector_Accepts()
    {
        Assert.True(AuthToken().IsValid(Url, Params, Expected, signatureSettingsHeader: null));
    }

    [Fact]
    public async Task IsValid_PublishedVector_IsWhatTwilioHelperLibrarySigns()
    {
        Assert.Equal(Expected, await TwilioNode.SignAsync(Token, Url, Params));
    }

    [Fact]
    public void TwilioSigning_PublishedVector_SignsAsTwilioDoes()
    {
        Assert.Equal(Expected, TwilioSigning.Sign(Token, Url, Params));
    }

    [Fact]
    public async Task TwilioSigning_WebhooksOfEveryShapeTheTestsSend_SignAsTwilioHelperLibrary()
    {
        // What the tests sign in process (every script, odd keys, empty values, media parameters) is what Twilio's
        // Node library signs: one run of the library for the lot.
        var forms = new List<IReadOnlyDictionary<string, string>>
        {
            new Dictionary<string, string>(),
            Params,
            new Dictionary<string, string> { ["Body"] = "أخذوا جوازات سفرنا 🙏 — Ünïcödé\n\"quoted\" & <b>", ["From"] = "+447700900123", ["NumMedia"] = "0" },
            new Dictionary<string, string> { ["body"] = "lower", ["Body"] = "upper", ["_"] = string.Empty, ["a b"] = "c=d&e", ["MediaUrl0"] = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1" },
            new Dictionary<string, string> { ["Z"] = "1", ["a"] = "2", ["ä"] = "3", ["10"] = "4", ["9"] = "5" },
        };
        const string url = "https://hotline.example.org/api/sms";

        var expected = await TwilioNode.SignAllAsync(Token, url, forms);

        Assert.Equal(expected, forms.Select(f => TwilioSigning.Sign(Token, url, f)));
        Assert.All(forms, f => Assert.True(AuthToken().IsValid(url, f, TwilioSigning.Sign(Token, url, f), signatureSettingsHeader: null)));
    }

    [Theory]
    [InlineData("54321", Url, Expected)]
    [InlineData(Token, "https://mycompany.com/myapp.php?foo=1&bar=3", Expected)]
    [InlineData(Token, "https://mycompany.org/myapp.php?foo=1&bar=2", Expected)]
    [InlineData(Token, "http://mycompany.com/myapp.php?foo=1&bar=2", Expected)]
    [InlineData(Token, Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8")]
    [InlineData(Token, Url, "")]
    [InlineData(Token, Url, null)]
    [InlineData(Token, "not a url", Expected)]
    public void IsValid_AnythingChanged_Rejects(string token, string url, string? signature)
    {
        Assert.False(AuthToken(token).IsValid(url, Params, signature, signatureSettingsHeader: null));
    }

    [Fact]
    public void IsValid_ParameterChanged_Rejects()
    {
        var changed = new Dictionary<string, string>(Params) { ["Digits"] = "1235" };

        Assert.False(AuthToken().IsValid(Url, changed, Expected, signatureSettingsHeader: null));
    }

    [Fact]
    public async Task IsValid_UnicodeAndOddKeysSignedByTwilioHelperLibrary_Accepts()
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
        var signature = await TwilioNode.SignAsync("token-xyz", url, parameters);

        Assert.True(AuthToken("token-xyz").IsValid(url, parameters, signature, signatureSettingsHeader: null));
    }

    /// <summary>
    /// For each URL an operator might configure, our verdict next to twilio-node's validateRequest, for a
    /// request signed over the published URL. Where they differ, the case and why is written down: ours
    /// must accept what Twilio signs (the URL as configured in the Console).
    /// </summary>
    [Theory]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=2", true)]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", true)]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", true)]
    [InlineData("HTTPS://MYCOMPANY.COM:443/myapp.php?foo=1&bar=2", true)]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2", false)]
    [InlineData("https://mycompany.com/myapp.php?foo=1&bar=3", false)]
    [InlineData("https://mycompany.com/MyApp.php?foo=1&bar=2", false)]
    [InlineData("https://mycompany.com:8443/myapp.php?foo=1&bar=2", true)]
    [InlineData("https://user@mycompany.com:443/myapp.php?foo=1&bar=2", false)]
    public async Task IsValid_UrlAsConfigured_AgreesWithTwilioHelperLibrary(string configured, bool expected)
    {
        var theirs = await TwilioNode.ValidateAsync(Token, Expected, configured, Params);
        var ours = AuthToken().IsValid(configured, Params, Expected, signatureSettingsHeader: null);

        Assert.Equal(expected, ours);
        Assert.Equal(theirs, ours);
    }

    [Theory]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2")]
    [InlineData("https://mycompany.com:8443/myapp.php?foo=1&bar=2")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2")]
    public async Task IsValid_SignedOverTheUrlAsConfigured_Accepts(string configured)
    {
        // Twilio signs the URL exactly as it is written in the Console: with the setting written the same
        // way, that signature is accepted whatever the port or the host's case.
        var signature = await TwilioNode.SignAsync(Token, configured, Params);

        Assert.True(AuthToken().IsValid(configured, Params, signature, signatureSettingsHeader: null));
    }

    [Fact]
    public async Task IsValid_SharedKeyConfiguredAndSha256Signature_Accepts()
    {
        var url = "https://hotline.example.org/api/sms";
        var signature = await TwilioNode.SignAsync(SharedKey, url, Params, TwilioNode.HmacSha256);

        Assert.True(WithSharedKey().IsValid(url, Params, signature, Sha256Header));
        Assert.True(await TwilioNode.ValidateAsync(SharedKey, signature, url, Params, TwilioNode.HmacSha256));

        // An independent computation of the same thing: Base64(HMAC-SHA256(key, URL + sorted name/value pairs)).
        var data = url + string.Concat(Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + p.Value));
        Assert.Equal(Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SharedKey), Encoding.UTF8.GetBytes(data))), signature);
    }

    [Fact]
    public async Task IsValid_SharedKeyConfiguredButSha1AuthTokenSignature_Rejects()
    {
        // No downgrade: with a SharedKey configured, a request that drops the settings header (or names
        // HMAC_SHA1) is not checked against the auth token, even with a valid auth-token signature.
        var url = "https://hotline.example.org/api/sms";
        var sha1 = await TwilioNode.SignAsync(Token, url, Params);

        Assert.False(WithSharedKey().IsValid(url, Params, sha1, signatureSettingsHeader: null));
        Assert.False(WithSharedKey().IsValid(url, Params, sha1, "key=webhooks_sharedkey_1,algorithm=HMAC_SHA1"));
        Assert.False(WithSharedKey().IsValid(url, Params, sha1, Sha256Header));
    }

    [Fact]
    public async Task IsValid_SharedKeyConfiguredAndSha256SignatureWithoutItsHeader_Rejects()
    {
        var url = "https://hotline.example.org/api/sms";
        var signature = await TwilioNode.SignAsync(SharedKey, url, Params, TwilioNode.HmacSha256);

        Assert.False(WithSharedKey().IsValid(url, Params, signature, signatureSettingsHeader: null));
    }

    [Fact]
    public async Task IsValid_NoSharedKeyConfigured_RefusesSha256EvenWithTheAuthToken()
    {
        // Without a SharedKey only HMAC-SHA1 with the auth token counts: a header asking for HMAC-SHA256
        // does not switch schemes, whatever it was keyed with.
        var url = "https://hotline.example.org/api/sms";
        var withToken = await TwilioNode.SignAsync(Token, url, Params, TwilioNode.HmacSha256);

        Assert.False(AuthToken().IsValid(url, Params, withToken, Sha256Header));
        Assert.False(AuthToken().IsValid(url, Params, Expected, Sha256Header));
    }

    [Fact]
    public void FromOptions_NoSecret_CannotCheckAnything()
    {
        Assert.Null(TwilioWebhookSignature.FromOptions(new TwilioOptions()));
        Assert.Equal(TwilioNode.HmacSha1, AuthToken().Algorithm);
        Assert.Equal(TwilioNode.HmacSha256, WithSharedKey().Algorithm);
    }
}
