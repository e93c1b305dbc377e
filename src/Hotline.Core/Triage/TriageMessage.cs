using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Triage;

/// <summary>
/// The message on the <c>triage</c> queue: enough to page the right responders, nothing of the
/// report itself. Responders open the report with the responder tool.
/// </summary>
/// <param name="TipId">The case receipt (e.g. <c>K7QF-2M9X-4TJD</c>).</param>
/// <param name="Channel">Where the report came in.</param>
/// <param name="Urgency">The classifier's verdict.</param>
/// <param name="ReceivedAt">When the report arrived (UTC).</param>
/// <param name="Language">BCP-47 tag of the report's language, or <c>und</c> when unknown.</param>
/// <param name="ContactPaused">
/// SMS only: the tipster texted STOP, so responders must not reply (the phone may be in someone
/// else's hands). Absent on every other message.
/// </param>
/// <param name="LanguageUnread">
/// True when no triage rules read the report's language: it was triaged high at least for that, and the alert
/// says the language was not recognised. Absent otherwise.
/// </param>
public sealed record TriageMessage(
    [property: JsonPropertyName("tipId")] string TipId,
    [property: JsonPropertyName("channel")] Channel Channel,
    [property: JsonPropertyName("urgency")] Urgency Urgency,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset ReceivedAt,
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("contactPaused"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ContactPaused = null,
    [property: JsonPropertyName("languageUnread"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? LanguageUnread = null)
{
    /// <summary>
    /// What one alert is about: a case may be paged again when its urgency rises or its contact is
    /// paused, but never twice for the same thing (the key of the per-responder send record).
    /// </summary>
    /// <summary>
    /// True when the message is a further one of a case (an SMS follow-up, a web tipster's added message): the alert
    /// says "follow-up". Absent on a case's first message. Content-free, like every field here.
    /// </summary>
    [JsonPropertyName("followUp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? FollowUp { get; init; }

    [JsonIgnore]
    public string AlertKey => $"{TipId}/{Urgency.ToString().ToLowerInvariant()}{(ContactPaused == true ? "/contact-paused" : string.Empty)}";

    public string ToJson() => JsonSerializer.Serialize(this, HotlineJsonContext.Default.TriageMessage);

    /// <summary>Reads a queue message; throws <see cref="JsonException"/> when it is not a triage message.</summary>
    public static TriageMessage Parse(string json)
    {
        var message = JsonSerializer.Deserialize(json, HotlineJsonContext.Default.TriageMessage) ?? throw new JsonException("Empty triage message.");
        if (string.IsNullOrWhiteSpace(message.TipId) || string.IsNullOrWhiteSpace(message.Language))
        {
            throw new JsonException("A triage message needs tipId and language.");
        }

        return message;
    }
}
