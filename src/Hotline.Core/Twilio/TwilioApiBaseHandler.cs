using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

/// <summary>
/// Points Twilio's REST calls at <c>Twilio__ApiBaseUrl</c>. The library has no base-URL option (region
/// and edge only change the host name), so a local stand-in for the API (tests, the load harness) is
/// reached by rewriting the scheme, host and port of each request; the path and query stay Twilio's.
/// With the default base URL nothing is rewritten.
/// </summary>
public sealed class TwilioApiBaseHandler(IOptions<TwilioOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var apiBase = options.Value.ApiBase;
        if (request.RequestUri is { } uri && !string.Equals(apiBase, TwilioOptions.DefaultApiBaseUrl, StringComparison.OrdinalIgnoreCase))
        {
            var target = new Uri(apiBase);
            request.RequestUri = new UriBuilder(uri)
            {
                Scheme = target.Scheme,
                Host = target.Host,
                Port = target.Port,
                Path = target.AbsolutePath.TrimEnd('/') + uri.AbsolutePath,
            }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
