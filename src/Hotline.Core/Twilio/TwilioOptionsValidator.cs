using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

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

        if (!string.IsNullOrWhiteSpace(options.PhoneNumber) && !TwilioFormats.IsE164(options.PhoneNumber))
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
