using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Cases;

/// <summary>
/// What a responder adds to a case: an internal note, or a reply sent to the tipster. Encrypted into
/// the case like a report (to the responders' public key), as <c>tips/{TIPID}/note-...</c> or
/// <c>reply-...</c>: a reply holds what the tipster was told, which is as sensitive as what they said.
/// </summary>
public sealed record CaseEntry(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("responder")] string Responder,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("messageSid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? MessageSid = null)
{
    public const string Note = "note";
    public const string Reply = "reply";

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, Hotline.StoredJsonContext.Default.CaseEntry);

    public static CaseEntry FromUtf8Json(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, Hotline.StoredJsonContext.Default.CaseEntry) ?? throw new JsonException("Empty case entry.");
}
