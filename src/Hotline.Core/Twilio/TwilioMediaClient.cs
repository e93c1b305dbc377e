using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

/// <summary>
/// Downloads the media of an inbound MMS from Twilio. Written here because Twilio's library has no call for a
/// media item's bytes (its Media resource lists them; the content is a plain authenticated GET). The request
/// goes through the unpaced Twilio HttpClient (retries, attempt timeout, the stub redirect) with the account's
/// credentials, only to a media URL of this account's message on Twilio's API host; Twilio answers with a
/// redirect to its storage, followed without the credentials.
/// </summary>
public sealed partial class TwilioMediaClient(IHttpClientFactory httpClientFactory, IOptions<TwilioOptions> options)
{
    /// <summary>A whole download (both hops, the body included) never takes longer than this.</summary>
    private static readonly TimeSpan DownloadTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// True for the URL of a media item of message <paramref name="messageSid"/> of the configured account on
    /// Twilio's API host, exactly as Twilio writes it (<c>/2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}/Media/ME...</c>,
    /// no query): the only URLs given the credentials. The whole path is matched, since the account's pattern can
    /// follow any other path of the account (<c>/Recordings/RE1.mp3/x/Accounts/...</c>); and it is matched as a
    /// server that decodes it reads it, so an escape (<c>%2f</c> is a slash there), which no Twilio media URL has,
    /// refuses it.
    /// </summary>
    public bool IsAccountMediaUrl(string url, string messageSid)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(messageSid);
        var settings = options.Value;
        if (!settings.IsConfigured
            || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps
            || !string.Equals(uri.Host, "api.twilio.com", StringComparison.OrdinalIgnoreCase)
            || !uri.IsDefaultPort
            || uri.UserInfo.Length > 0
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        return path == uri.AbsolutePath
            && MediaPath().Match(path) is { Success: true } match
            && match.Groups["account"].Value == settings.AccountSid
            && match.Groups["message"].Value == messageSid;
    }

    /// <summary>
    /// Downloads <paramref name="url"/>, a media item of message <paramref name="messageSid"/> (<see cref="IsAccountMediaUrl"/>):
    /// refused without reading the body when Twilio's answer has a type
    /// <paramref name="allowType"/> refuses or a length over <paramref name="maxBytes"/>, and cut off as soon as
    /// a body without a length passes it. Throws on failures worth another try later (5xx, 429 and network
    /// errors after the client's retries; 401/403, which a rotated token causes).
    /// </summary>
    public async Task<MediaDownload> DownloadAsync(string url, string messageSid, long maxBytes, Func<string, bool> allowType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        ArgumentException.ThrowIfNullOrWhiteSpace(messageSid);
        ArgumentNullException.ThrowIfNull(allowType);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        if (!IsAccountMediaUrl(url, messageSid))
        {
            throw new ArgumentException("Not a media URL of this message at Twilio.", nameof(url));
        }

        var settings = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DownloadTimeout);
        var http = httpClientFactory.CreateClient(TwilioSmsClient.UnpacedHttpClientName);
        using var first = new HttpRequestMessage(HttpMethod.Get, url);
        first.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        var response = await http.SendAsync(first, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        try
        {
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                var target = location.IsAbsoluteUri ? location : new Uri(new Uri(url), location);
                if (target.Scheme != Uri.UriSchemeHttps)
                {
                    throw new HttpRequestException("Twilio redirected a media download away from HTTPS.");
                }

                // Twilio's storage takes a signed URL: the account's credentials stay with Twilio's API host.
                response.Dispose();
                using var second = new HttpRequestMessage(HttpMethod.Get, target);
                response = await http.SendAsync(second, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new MediaDownload(MediaDownloadOutcome.Gone, null, null, default, "Twilio has no such media (HTTP 404)");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Twilio answered a media download with HTTP {(int)response.StatusCode}.", null, response.StatusCode);
            }

            var type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "application/octet-stream";
            var length = response.Content.Headers.ContentLength;
            if (!allowType(type))
            {
                return new MediaDownload(MediaDownloadOutcome.Refused, type, length, default, "type not allowed");
            }

            if (length > maxBytes)
            {
                return new MediaDownload(MediaDownloadOutcome.Refused, type, length, default, $"larger than the limit of {maxBytes} bytes");
            }

            var body = await ReadAtMostAsync(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false), maxBytes, timeout.Token).ConfigureAwait(false);
            return body is null
                ? new MediaDownload(MediaDownloadOutcome.Refused, type, null, default, $"larger than the limit of {maxBytes} bytes")
                : new MediaDownload(MediaDownloadOutcome.Downloaded, type, body.Value.Length, body.Value, null);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("A media download took longer than " + DownloadTimeout + ".", ex);
        }
        finally
        {
            response.Dispose();
        }
    }

    [GeneratedRegex(@"\A/2010-04-01/Accounts/(?<account>AC[0-9a-f]{32})/Messages/(?<message>(SM|MM)[0-9a-f]{32})/Media/ME[0-9a-f]{32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex MediaPath();

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.Moved or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    /// <summary>The body, or null once it passes <paramref name="maxBytes"/> (the rest is never read).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        }
    }
}
