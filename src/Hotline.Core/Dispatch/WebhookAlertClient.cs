using System.Net;
using System.Text;
using System.Text.Json;

namespace Hotline.Dispatch;

/// <summary>
/// Posts an alert as small JSON to a responder's incoming webhook (Teams, Slack, or any endpoint
/// that takes <c>{"text": ...}</c>). Same resilience pipeline as Twilio; redirects are not followed,
/// so the alert only ever goes to the configured address.
/// </summary>
public sealed class WebhookAlertClient(IHttpClientFactory httpClientFactory)
{
    public const string HttpClientName = "alert-webhooks";

    /// <summary>Posts the alert; returns the final status (after retries on 408/429/5xx); throws on network failures and timeouts.</summary>
    public async Task<HttpStatusCode> PostAsync(Uri url, WebhookAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(alert);

        // Buffered content: the retry handler re-sends the same request.
        using var content = new StringContent(JsonSerializer.Serialize(alert, DispatchJsonContext.Default.WebhookAlert), Encoding.UTF8, "application/json");
        var http = httpClientFactory.CreateClient(HttpClientName);
        using var response = await http.PostAsync(url, content, cancellationToken);
        return response.StatusCode;
    }
}
