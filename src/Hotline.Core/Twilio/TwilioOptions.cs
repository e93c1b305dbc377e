using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

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

    /// <summary>E.164: a plus, a non-zero digit, then 6 to 14 more digits.</summary>
    public static bool IsE164(string? value) => value is not null && E164().IsMatch(value);

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();

    [GeneratedRegex("^(AC|MG)[0-9a-fA-F]{32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex Sid();
}

/// <summary>Names the setting that is wrong, never its value (a token or number must not reach a log).</summary>
public sealed class TwilioOptionsValidator : IValidateOptions<TwilioOptions>
{
    public ValidateOptionsResult Validate(string? name, TwilioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var anySet = !string.IsNullOrWhiteSpace(options.AuthToken)
            || !string.IsNullOrWhiteSpace(options.PhoneNumber)
            || !string.IsNullOrWhiteSpace(options.MessagingServiceSid)
            || !string.IsNullOrWhiteSpace(options.WebhookSigningKey);
        if (!options.IsConfigured)
        {
            if (anySet)
            {
                failures.Add("Twilio__AccountSid is not set, but other Twilio settings are: Twilio settings are all-or-nothing (set Twilio__AccountSid, Twilio__AuthToken and Twilio__PhoneNumber or Twilio__MessagingServiceSid, or none of them; Twilio__WebhookSigningKey too needs the account).");
            }
        }
        else
        {
            if (!options.AccountSid!.StartsWith("AC", StringComparison.Ordinal) || !TwilioOptions.Sid().IsMatch(options.AccountSid))
            {
                failures.Add("Twilio__AccountSid is not an account SID (AC followed by 32 hex digits).");
            }

            if (string.IsNullOrWhiteSpace(options.AuthToken))
            {
                failures.Add("Twilio__AuthToken is not set: Twilio settings are all-or-nothing (Twilio__AccountSid is set).");
            }

            if (string.IsNullOrWhiteSpace(options.PhoneNumber) && string.IsNullOrWhiteSpace(options.MessagingServiceSid))
            {
                failures.Add("Twilio__PhoneNumber is not set (nor Twilio__MessagingServiceSid): alerts need a sender.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.PhoneNumber) && !TwilioOptions.IsE164(options.PhoneNumber))
        {
            failures.Add("Twilio__PhoneNumber is not an E.164 number (e.g. +15005550006).");
        }

        if (!string.IsNullOrWhiteSpace(options.MessagingServiceSid)
            && (!options.MessagingServiceSid.StartsWith("MG", StringComparison.Ordinal) || !TwilioOptions.Sid().IsMatch(options.MessagingServiceSid)))
        {
            failures.Add("Twilio__MessagingServiceSid is not a Messaging Service SID (MG followed by 32 hex digits).");
        }

        if (!IsHttpUrl(options.ApiBase))
        {
            failures.Add("Twilio__ApiBaseUrl is not an absolute http(s) URL.");
        }

        if (!string.IsNullOrWhiteSpace(options.WebhookBaseUrl) && !IsHttpUrl(options.WebhookBaseUrl))
        {
            failures.Add("Twilio__WebhookBaseUrl is not an absolute http(s) URL.");
        }

        if (!(options.MessagesPerSecond > 0 && options.MessagesPerSecond <= 1000))
        {
            failures.Add("Twilio__MessagesPerSecond must be above 0 and at most 1000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
