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

        // Names in ordinal order (JavaScript's default sort); a repeated name's distinct values in
        // ordinal order, each written with its name, as twilio-node does with an array value.
        foreach (var group in parameters.GroupBy(p => p.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var value in group.Select(p => p.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                data.Append(group.Key).Append(value);
            }
        }

#pragma warning disable CA5350 // Twilio's signature is HMAC-SHA1: we verify their protocol, we do not choose it.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>
    /// Checks a signature in constant time against the URLs the helper libraries try: as given with
    /// any port removed, with the scheme's default port added, and the same two after the scheme and
    /// host are lower-cased (what a URL parser does to them). Proxies and Twilio differ on writing
    /// the port, and operators on writing the host.
    /// </summary>
    public static bool IsValid(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters, string? signature)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (string.IsNullOrEmpty(signature) || string.IsNullOrEmpty(authToken) || !Uri.TryCreate(url, UriKind.Absolute, out _))
        {
            return false;
        }

        var list = parameters.ToList();
        var given = Encoding.ASCII.GetBytes(signature);
        var valid = false;
        foreach (var candidate in UrlVariants(url).Distinct(StringComparer.Ordinal))
        {
            var expected = Encoding.ASCII.GetBytes(Compute(authToken, candidate, list));

            // Every variant is checked, match or not, so timing says nothing about which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(expected, given);
        }

        return valid;
    }

    private static IEnumerable<string> UrlVariants(string url)
    {
        if (UrlParts.Split(url) is not { } parts)
        {
            yield return url;
            yield break;
        }

        yield return parts.WithoutPort();
        yield return parts.WithPort();
        var lower = parts with { Scheme = parts.Scheme.ToLowerInvariant(), Host = parts.Host.ToLowerInvariant() };
        yield return lower.WithoutPort();
        yield return lower.WithPort();
    }

    /// <summary>A URL split without normalising it, so the path and query keep the exact characters Twilio signed.</summary>
    private sealed record UrlParts(string Scheme, string UserInfo, string Host, string Port, string Rest)
    {
        public static UrlParts? Split(string url)
        {
            var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
            if (schemeEnd <= 0)
            {
                return null;
            }

            var start = schemeEnd + 3;
            var end = url.IndexOfAny(['/', '?', '#'], start);
            var authority = end < 0 ? url[start..] : url[start..end];
            var at = authority.LastIndexOf('@');
            var hostAndPort = authority[(at + 1)..];

            // A colon starts the port only after the closing bracket of an IPv6 literal.
            var portAt = hostAndPort.IndexOf(':', hostAndPort.LastIndexOf(']') + 1);
            return new UrlParts(
                url[..start],
                authority[..(at + 1)],
                portAt < 0 ? hostAndPort : hostAndPort[..portAt],
                portAt < 0 ? string.Empty : hostAndPort[portAt..],
                end < 0 ? string.Empty : url[end..]);
        }

        public string WithoutPort() => Scheme + UserInfo + Host + Rest;

        public string WithPort() => Port.Length > 0
            ? Scheme + UserInfo + Host + Port + Rest
            : Scheme + UserInfo + Host + (Scheme.Equals("https://", StringComparison.OrdinalIgnoreCase) ? ":443" : ":80") + Rest;
    }
}
