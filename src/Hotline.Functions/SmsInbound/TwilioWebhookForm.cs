using System.Globalization;
using System.Text.RegularExpressions;
using Hotline.Sms;
using Hotline.Twilio;

namespace Hotline.Functions.SmsInbound;

/// <summary>
/// The parameters of Twilio's inbound-message webhook that Hotline uses, each checked for the shape Twilio
/// gives it. A valid signature is not enough: Twilio signs name+value pairs with no separator, so moving the
/// boundary between two parameters keeps the signature and yields new values (a fresh MessageSid opens a new
/// case and pages again; geo fields slide into From). What does not have Twilio's shape is refused.
/// </summary>
internal static partial class TwilioWebhookForm
{
    private const int MaxMedia = 10;

    /// <summary>The message, or the name of the first parameter that does not have Twilio's shape (never its value).</summary>
    public static (InboundSms? Message, string? BadParameter) Read(IReadOnlyDictionary<string, string> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var messageSid = form.GetValueOrDefault("MessageSid") ?? form.GetValueOrDefault("SmsSid");
        if (messageSid is null || !TwilioFormats.IsMessageSid(messageSid))
        {
            return (null, "MessageSid");
        }

        if (form.GetValueOrDefault("SmsSid") is { } smsSid && smsSid != messageSid)
        {
            return (null, "SmsSid");
        }

        if (form.GetValueOrDefault("AccountSid") is { } accountSid && !TwilioFormats.IsAccountSid(accountSid))
        {
            return (null, "AccountSid");
        }

        var from = form.GetValueOrDefault("From");
        if (from is null || !TwilioFormats.IsSender(from))
        {
            return (null, "From");
        }

        var count = 0;
        if (form.GetValueOrDefault("NumMedia") is { } numMedia
            && (!int.TryParse(numMedia, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count > MaxMedia))
        {
            return (null, "NumMedia");
        }

        var media = new List<InboundMedia>(count);
        for (var i = 0; i < count; i++)
        {
            if (form.GetValueOrDefault($"MediaUrl{i}") is not { Length: > 0 } url)
            {
                continue;
            }

            // Twilio's media live on its API host, over HTTPS: anything else is not a Twilio media URL.
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || !string.Equals(uri.Host, "api.twilio.com", StringComparison.OrdinalIgnoreCase) || !uri.IsDefaultPort || uri.UserInfo.Length > 0)
            {
                return (null, $"MediaUrl{i}");
            }

            // The type Twilio declared; checked again against what Twilio serves when the media is fetched.
            var type = form.GetValueOrDefault($"MediaContentType{i}");
            if (type is not null && !ContentType().IsMatch(type))
            {
                return (null, $"MediaContentType{i}");
            }

            media.Add(new InboundMedia(url, type?.ToLowerInvariant()));
        }

        // FromCity, FromState, FromZip, FromCountry and the To* fields are never read: they locate the tipster.
        return (new InboundSms(messageSid, from, (form.GetValueOrDefault("Body") ?? string.Empty).Trim(), media), null);
    }

    /// <summary>A MIME type without parameters, as Twilio declares media (<c>image/jpeg</c>, <c>application/pdf</c>).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ContentType();

}
