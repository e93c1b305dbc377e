using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Sms;

/// <summary>
/// A message's media once settled: every item stored, refused or failed. Encrypted into the case next to
/// the message (<c>tips/{TIPID}/media-0002</c> for message 2): the envelope is written, and answered,
/// before the media is fetched, and the intake cannot read it back to add to it.
/// </summary>
public sealed record MediaRecord
{
    public const int CurrentSchemaVersion = 1;

    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    [JsonPropertyName("tipId")]
    public required string TipId { get; init; }

    /// <summary>The message the media came with (1 for the report).</summary>
    [JsonPropertyName("sequence")]
    public required int Sequence { get; init; }

    [JsonPropertyName("settledAt")]
    public required DateTimeOffset SettledAt { get; init; }

    [JsonPropertyName("items")]
    public required IReadOnlyList<MediaItem> Items { get; init; }

    /// <summary>Everything the message brought is in Hotline's hands or deliberately left: Twilio's copy may go.</summary>
    [JsonIgnore]
    public bool Complete => Items.All(i => i.State is MediaStates.Stored or MediaStates.Refused);

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, StoredJsonContext.Default.MediaRecord);

    public static MediaRecord FromUtf8Json(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, StoredJsonContext.Default.MediaRecord) ?? throw new JsonException("Empty media record.");
}
