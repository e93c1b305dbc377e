using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>
/// The report envelope: the one JSON document per report (or per further SMS message of a case)
/// that is encrypted and stored. Everything a tipster said lives only here.
/// </summary>
public sealed record TipReport
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyName("tipId")]
    public required string TipId { get; init; }

    [JsonPropertyName("channel")]
    public required Channel Channel { get; init; }

    [JsonPropertyName("receivedAt")]
    public required DateTimeOffset ReceivedAt { get; init; }

    [JsonPropertyName("language")]
    public required string Language { get; init; }

    [JsonPropertyName("urgency")]
    public required Urgency Urgency { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    [JsonPropertyName("location")]
    public string? Location { get; init; }

    [JsonPropertyName("contact")]
    public string? Contact { get; init; }

    [JsonPropertyName("category")]
    public string? Category { get; init; }

    /// <summary>SMS only: what identifies the tipster's phone, so responders can reply.</summary>
    [JsonPropertyName("sender")]
    public SmsSender? Sender { get; init; }

    /// <summary>SMS only: Twilio's id of this message, and further SMS facts.</summary>
    [JsonPropertyName("sms")]
    public SmsDetails? Sms { get; init; }

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, StoredJsonContext.Default.TipReport);

    public static TipReport FromUtf8Json(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.TipReport) ?? throw new JsonException("Empty report.");
}
