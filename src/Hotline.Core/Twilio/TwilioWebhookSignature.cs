using Twilio.Security;

namespace Hotline.Twilio;

/// <summary>
/// Checks Twilio's webhook signature with Twilio's own <see cref="RequestValidator"/>, over the public
/// URL Twilio called (never the URL seen behind the Functions host or a tunnel). The scheme is pinned by
/// configuration, not by the request: with a SharedKey secret (<c>Twilio__WebhookSigningKey</c>) only
/// HMAC-SHA256 with it is accepted, otherwise only HMAC-SHA1 with the auth token; the
/// <c>X-Twilio-Webhooks-Signature-Settings</c> header must agree with that choice or the request is
/// refused, so a header can never select a weaker scheme.
/// </summary>
public sealed class TwilioWebhookSignature
{
    private readonly RequestValidator _validator;
    private readonly string _algorithm;

    private TwilioWebhookSignature(string secret, string algorithm)
    {
        _validator = new RequestValidator(secret);
        _algorithm = algorithm;
    }

    /// <summary>The validator the settings ask for; null when they cannot check any signature.</summary>
    public static TwilioWebhookSignature? FromOptions(TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.WebhookSigningKey))
        {
            return new TwilioWebhookSignature(options.WebhookSigningKey, RequestValidator.HmacSha256);
        }

        return string.IsNullOrWhiteSpace(options.AuthToken) ? null : new TwilioWebhookSignature(options.AuthToken, RequestValidator.HmacSha1);
    }

    /// <summary>The algorithm this hotline accepts (<c>HMAC_SHA1</c> or <c>HMAC_SHA256</c>).</summary>
    public string Algorithm => _algorithm;

    /// <summary>
    /// Whether <paramref name="signature"/> could be a signature of the accepted algorithm at all: Base64 of
    /// a 20-byte (SHA-1) or 32-byte (SHA-256) MAC. Cheap, so junk is refused before a body is read or hashed.
    /// </summary>
    public bool CouldBeSignature(string? signature)
    {
        var macLength = _algorithm == RequestValidator.HmacSha256 ? 32 : 20;
        Span<byte> mac = stackalloc byte[32];
        return signature is not null
            && signature.Length == (macLength + 2) / 3 * 4
            && Convert.TryFromBase64String(signature, mac, out var written)
            && written == macLength;
    }

    /// <summary>
    /// True when <paramref name="signature"/> signs <paramref name="url"/> and <paramref name="parameters"/>
    /// (each name once) with the configured secret and algorithm. The library tries the URL as given and
    /// with its port added or removed, but never removes an explicit default port (<c>:443</c>); Twilio's
    /// Node library does, and also lower-cases the scheme and host. Those forms are tried too, so a setting
    /// written <c>https://Hotline.example.org:443</c> accepts what Twilio signs for
    /// <c>https://hotline.example.org</c>.
    /// </summary>
    public bool IsValid(string url, IReadOnlyDictionary<string, string> parameters, string? signature, string? signatureSettingsHeader)
    {
        ArgumentNullException.ThrowIfNull(parameters);

        // The library throws on an empty signature or URL instead of answering false.
        if (string.IsNullOrEmpty(signature) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.IsAbsoluteUri)
        {
            return false;
        }

        if (!string.Equals(RequestValidator.GetSignatureAlgorithm(signatureSettingsHeader ?? string.Empty), _algorithm, StringComparison.Ordinal))
        {
            return false;
        }

        var values = parameters as IDictionary<string, string> ?? new Dictionary<string, string>(parameters, StringComparer.Ordinal);
        foreach (var candidate in UrlForms(url, uri).Distinct(StringComparer.Ordinal))
        {
            if (_validator.Validate(candidate, values, signature, _algorithm))
            {
                return true;
            }
        }

        return false;
    }

    private static IEnumerable<string> UrlForms(string url, Uri uri)
    {
        var lowered = LowerSchemeAndHost(url, uri);
        yield return url;
        yield return lowered;
        yield return WithoutExplicitDefaultPort(url, uri);
        yield return WithoutExplicitDefaultPort(lowered, uri);
    }

    /// <summary>The URL with only its scheme and host lower-cased: the path and query keep the exact characters Twilio signed.</summary>
    private static string LowerSchemeAndHost(string url, Uri uri)
    {
        var hostAt = url.IndexOf(uri.Host, StringComparison.OrdinalIgnoreCase);
        return hostAt < 0
            ? url
            : url[..hostAt].ToLowerInvariant() + url.Substring(hostAt, uri.Host.Length).ToLowerInvariant() + url[(hostAt + uri.Host.Length)..];
    }

    private static string WithoutExplicitDefaultPort(string url, Uri uri)
    {
        if (!uri.IsDefaultPort)
        {
            return url;
        }

        var port = ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var hostAt = url.IndexOf(uri.Host, StringComparison.OrdinalIgnoreCase);
        var afterHost = hostAt < 0 ? -1 : hostAt + uri.Host.Length;
        return afterHost > 0 && string.CompareOrdinal(url, afterHost, port, 0, port.Length) == 0
            ? url[..afterHost] + url[(afterHost + port.Length)..]
            : url;
    }
}
