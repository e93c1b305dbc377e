using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

/// <summary>
/// Sends SMS through Twilio's REST API (<c>POST /2010-04-01/Accounts/{AccountSid}/Messages.json</c>),
/// written by hand because the Twilio NuGet package cannot be restored here. Retries, timeouts and
/// pacing live in the HTTP pipeline (<see cref="TwilioServiceCollectionExtensions.AddTwilioSms"/>);
/// this class only builds the request and reads Twilio's answer.
/// </summary>
public sealed class TwilioSmsClient(IHttpClientFactory httpClientFactory, IOptions<TwilioOptions> options)
{
    /// <summary>The named HttpClient with the resilience pipeline and the pacer.</summary>
    public const string HttpClientName = "twilio";

    /// <summary>
    /// Sends one SMS. Returns Twilio's verdict for any HTTP answer (after retries on 429/5xx);
    /// throws on network failures and timeouts that outlasted the retries.
    /// </summary>
    public async Task<TwilioSendResult> SendSmsAsync(string to, string body, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentException.ThrowIfNullOrEmpty(body);
        var settings = options.Value;
        if (!settings.IsConfigured)
        {
            throw new InvalidOperationException("Twilio is not configured (Twilio__AccountSid is empty).");
        }

        var fields = new List<KeyValuePair<string, string>> { new("To", to) };
        fields.Add(string.IsNullOrWhiteSpace(settings.MessagingServiceSid)
            ? new("From", settings.PhoneNumber!)
            : new("MessagingServiceSid", settings.MessagingServiceSid));
        fields.Add(new("Body", body));

        var accountSid = settings.AccountSid!;
        var uri = new Uri($"{settings.ApiBase}/2010-04-01/Accounts/{Uri.EscapeDataString(accountSid)}/Messages.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(accountSid + ":" + settings.AuthToken)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var http = httpClientFactory.CreateClient(HttpClientName);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return Read(response.StatusCode, text);
    }

    /// <summary>
    /// Reads only the message SID or the numeric error code: Twilio's error <c>message</c> can quote
    /// the phone number ("The 'To' number +1... is not valid"), so it is never kept.
    /// </summary>
    internal static TwilioSendResult Read(HttpStatusCode status, string json)
    {
        string? sid = null;
        int? code = null;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("sid", out var s) && s.ValueKind == JsonValueKind.String)
                {
                    sid = s.GetString();
                }

                if (doc.RootElement.TryGetProperty("code", out var c))
                {
                    code = c.ValueKind switch
                    {
                        JsonValueKind.Number when c.TryGetInt32(out var n) => n,
                        JsonValueKind.String when int.TryParse(c.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
                        _ => null,
                    };
                }
            }
        }
        catch (JsonException)
        {
            // A proxy's HTML error page: the status code alone decides.
        }

        return new TwilioSendResult(status, sid, code);
    }
}

/// <summary>Twilio's answer to one send.</summary>
/// <param name="Status">The HTTP status of the final attempt.</param>
/// <param name="MessageSid">Twilio's message SID when accepted.</param>
/// <param name="ErrorCode">Twilio's error code when refused (e.g. 21211 invalid number, 21610 unsubscribed).</param>
public sealed record TwilioSendResult(HttpStatusCode Status, string? MessageSid, int? ErrorCode)
{
    public bool Succeeded => (int)Status is >= 200 and < 300;

    /// <summary>Worth another try later: rate limited, timed out at Twilio's edge, or a server error.</summary>
    public bool IsTransient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)Status >= 500;
}
