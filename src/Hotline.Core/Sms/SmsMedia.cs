using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Sms;

/// <summary>One media item of an inbound MMS as Twilio posted it: where it is at Twilio, and the type Twilio declared.</summary>
public sealed record InboundMedia(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("contentType")] string? ContentType);

/// <summary>What happened to a media item (<see cref="MediaItem.State"/>).</summary>
public static class MediaStates
{
    /// <summary>In the envelope: the message brought it, and it is being fetched from Twilio.</summary>
    public const string Expected = "expected";

    /// <summary>Fetched, encrypted and stored in the case under <see cref="MediaItem.Blob"/>.</summary>
    public const string Stored = "stored";

    /// <summary>Not fetched: a type outside the allow-list, or larger than the limit (type and size say which).</summary>
    public const string Refused = "refused";

    /// <summary>Fetching kept failing; the item is still at Twilio (the message was not deleted there).</summary>
    public const string Failed = "failed";
}

/// <summary>
/// One media item as Hotline holds it: never its URL at Twilio. In the envelope with state
/// <see cref="MediaStates.Expected"/> (the blob it is to be stored as, and the type Twilio declared); in
/// the message's media record once settled, with its size and SHA-256, or why it was refused or not fetched.
/// </summary>
public sealed record MediaItem
{
    /// <summary>1, 2, ... in the order of the message's media.</summary>
    [JsonPropertyName("index")]
    public required int Index { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("contentType")]
    public string? ContentType { get; init; }

    /// <summary>Bytes: of what was stored; for a refusal, what Twilio said it would send.</summary>
    [JsonPropertyName("size")]
    public long? Size { get; init; }

    /// <summary>SHA-256 (hex) of the bytes as Twilio served them: what an export is checked against.</summary>
    [JsonPropertyName("sha256")]
    public string? Sha256 { get; init; }

    /// <summary>The encrypted blob in the <c>tips</c> container, e.g. <c>K7QF2M9X4TJD/media-0001-1</c>.</summary>
    [JsonPropertyName("blob")]
    public string? Blob { get; init; }

    /// <summary>For a refusal or a failure: why, in words (never a URL).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}

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
