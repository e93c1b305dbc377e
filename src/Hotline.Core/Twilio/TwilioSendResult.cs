using System.Net;

namespace Hotline.Twilio;

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
