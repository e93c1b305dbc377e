using System.Text.Json.Serialization;

namespace Hotline.Dispatch;

/// <summary>The webhook body: the SMS's facts, plus <c>text</c> that Teams and Slack incoming webhooks display.</summary>
public sealed record WebhookAlert(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("urgency")] string? Urgency,
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("receipt")] string Receipt,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset? ReceivedAt,
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("contactPaused")] bool ContactPaused,
    [property: JsonPropertyName("pointer")] string NextStep,
    [property: JsonPropertyName("text")] string Text)
{
    /// <summary>A digest's number of reports; absent on other alerts.</summary>
    [JsonPropertyName("reports")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Reports { get; init; }

    /// <summary>A digest's receipts, urgent first (all of them: a chat message has room); absent on other alerts.</summary>
    [JsonPropertyName("receipts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Receipts { get; init; }

    /// <summary>True when no triage rules read the report's language (it was raised to high); absent otherwise.</summary>
    [JsonPropertyName("languageUnread")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? LanguageUnread { get; init; }

    /// <summary>The escalation step (1 re-page, 2 escalation list, 3 everyone) of an unacknowledged alert; absent otherwise.</summary>
    [JsonPropertyName("escalationStep")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? EscalationStep { get; init; }

    /// <summary>True when the alert is about a further message of a case (an SMS or web follow-up); absent otherwise.</summary>
    [JsonPropertyName("followUp")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? FollowUp { get; init; }

    /// <summary>On an <c>acknowledged</c> notice: who acknowledged; absent otherwise.</summary>
    [JsonPropertyName("acknowledgedBy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AcknowledgedBy { get; init; }
}
