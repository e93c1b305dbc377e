using System.Text.Json.Serialization;

namespace Hotline.Sms;

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
