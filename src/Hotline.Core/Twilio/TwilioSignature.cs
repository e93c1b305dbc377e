using System.Security.Cryptography;
using System.Text;

namespace Hotline.Twilio;

/// <summary>
/// Twilio's webhook signature (<c>X-Twilio-Signature</c>), computed as its helper libraries do:
/// Base64(HMAC-SHA1(auth token, URL + every POST parameter sorted by name, name then value)).
/// The URL is the public one Twilio called, never the one the app sees behind a proxy or the host.
/// </summary>
public static class TwilioSignature
{
    public static string Compute(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        ArgumentException.ThrowIfNullOrEmpty(authToken);
        ArgumentException.ThrowIfNullOrEmpty(url);
        ArgumentNullException.ThrowIfNull(parameters);
        var data = new StringBuilder(url);

        // Ordinal sort of names (the libraries' default sort), values of a repeated name in order.
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio's signature is HMAC-SHA1: we verify their protocol, we do not choose it.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>
    /// Checks a signature in constant time. Like the helper libraries, also accepts the URL with the
    /// scheme's default port added or removed, since proxies and Twilio differ on writing it.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return false;
        }

        var list = parameters.ToList();
        var given = Encoding.ASCII.GetBytes(signature);
        var valid = false;
        foreach (var candidate in UrlVariants(url, uri))
        {
            var expected = Encoding.ASCII.GetBytes(Compute(authToken, candidate, list));

            // Every variant is checked, match or not, so timing says nothing about which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(expected, given);
        }

        return valid;
    }

    private static IEnumerable<string> UrlVariants(string url, Uri uri)
    {
        yield return url;
        var defaultPort = uri.Scheme == Uri.UriSchemeHttps ? 443 : uri.Scheme == Uri.UriSchemeHttp ? 80 : -1;
        var start = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = url.IndexOfAny(['/', '?', '#'], start);
        var authorityEnd = end < 0 ? url.Length : end;
        var authority = url[start..authorityEnd];
        var portAt = authority.LastIndexOf(':');
        if (defaultPort < 0 || authority.Contains('@', StringComparison.Ordinal) || authority.EndsWith(']'))
        {
            yield break;
        }

        if (portAt < 0)
        {
            yield return url[..authorityEnd] + ":" + defaultPort + url[authorityEnd..];
        }
        else if (uri.Port == defaultPort)
        {
            yield return url[..(start + portAt)] + url[authorityEnd..];
        }
    }
}
