using System.Text.Json.Serialization;
using Hotline.Triage;

namespace Hotline.Sms;

/// <summary>
/// The work of fetching one message's media from Twilio: which case and message it belongs to, the message's
/// id and its media at Twilio, and which attempt this is. Sealed whole under the pepper on the
/// <c>sms-media</c> queue (<see cref="MediaJobs"/>): a MessageSid or media URL finds the message at Twilio.
/// </summary>
public sealed record MediaJob(
    [property: JsonPropertyName("tipId")] string TipId,
    [property: JsonPropertyName("sequence")] int Sequence,
    [property: JsonPropertyName("messageSid")] string MessageSid,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("urgency")] Urgency Urgency,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("media")] IReadOnlyList<InboundMedia> Media,
    [property: JsonPropertyName("attempt")] int Attempt = 1);
