using System.Text.RegularExpressions;

namespace Hotline.Twilio;

/// <summary>
/// The Twilio account that sends responder alerts (section <c>Twilio</c>: <c>Twilio__AccountSid</c>, ...).
/// All-or-nothing: with no account SID the app runs without Twilio (alerts are printed to the log,
/// for local runs); a half-configured account stops start-up, because an operator who set some of
/// it meant alerts to go out and would otherwise only find out when nobody is paged.
/// </summary>
public sealed partial class TwilioOptions
{
    public const string SectionName = "Twilio";

    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The hotline's own number, the <c>From</c> of alerts (unless <see cref="MessagingServiceSid"/> is set).</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>A Messaging Service that picks the sender; wins over <see cref="PhoneNumber"/> for alerts.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>Default <c>https://api.twilio.com</c>; tests point it at a local stub. Empty means the default.</summary>
    public string? ApiBaseUrl { get; set; } = DefaultApiBaseUrl;

    /// <summary>The public base URL Twilio calls (inbound SMS signatures are computed over it).</summary>
    public string? WebhookBaseUrl { get; set; }

    /// <summary>Where Twilio reports the status of what Hotline sends: <c>{WebhookBaseUrl}/api/sms/status</c>; null without a webhook base.</summary>
    public Uri? StatusCallbackUrl =>
        string.IsNullOrWhiteSpace(WebhookBaseUrl) || !Uri.TryCreate(WebhookBaseUrl.Trim().TrimEnd('/') + "/api/sms/status", UriKind.Absolute, out var url) ? null : url;

    /// <summary>
    /// The secret of a Twilio SharedKey for webhook signing. When set, only HMAC-SHA256 signatures made
    /// with it are accepted; otherwise only HMAC-SHA1 with the auth token. A request header never chooses.
    /// </summary>
    public string? WebhookSigningKey { get; set; }

    /// <summary>Pace of outgoing SMS for this process: a long code's limit is 1 per second.</summary>
    public double MessagesPerSecond { get; set; } = 1;

    public const string DefaultApiBaseUrl = "https://api.twilio.com";

    /// <summary>True when an account is configured; false means "no Twilio here" (local runs).</summary>
    public bool IsConfigured => !string.IsNullOrWhiteSpace(AccountSid);

    /// <summary>The REST API's base address, without a trailing slash.</summary>
    public string ApiBase => (string.IsNullOrWhiteSpace(ApiBaseUrl) ? DefaultApiBaseUrl : ApiBaseUrl.Trim()).TrimEnd('/');

    [GeneratedRegex("^(AC|MG)[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex Sid();
}
