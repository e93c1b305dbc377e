using System.Text.RegularExpressions;

namespace Hotline.Twilio;

/// <summary>
/// The shapes of what Twilio sends and what Hotline sends through it, in one place: the webhook, the status
/// callback and the settings check them alike. A value without its shape is refused before anything acts on it.
/// </summary>
public static partial class TwilioFormats
{
    /// <summary>An account SID as Twilio sends it in webhooks: <c>AC</c> and 32 lower-case hex digits.</summary>
    public static bool IsAccountSid(string? value) => value is not null && AccountSid().IsMatch(value);

    /// <summary>A message SID: <c>SM</c> (SMS) or <c>MM</c> (MMS) and 32 lower-case hex digits.</summary>
    public static bool IsMessageSid(string? value) => value is not null && MessageSid().IsMatch(value);

    /// <summary>E.164: a plus, a non-zero digit, then 6 to 14 more digits.</summary>
    public static bool IsE164(string? value) => value is not null && E164().IsMatch(value);

    /// <summary>An inbound message's sender: an E.164 number, optionally behind a Twilio channel prefix (WhatsApp, RCS).</summary>
    public static bool IsSender(string? value) =>
        IsE164(value?.StartsWith("whatsapp:", StringComparison.Ordinal) == true ? value["whatsapp:".Length..]
            : value?.StartsWith("rcs:", StringComparison.Ordinal) == true ? value["rcs:".Length..]
            : value);

    [GeneratedRegex("^AC[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex AccountSid();

    [GeneratedRegex("^(SM|MM)[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex MessageSid();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
