using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.FollowUp;

/// <summary>
/// One entry of a web case's conversation as its tipster reads it: what they sent, or a responder's answer.
/// Stored encrypted to the case key (<c>tips/{TIPID}/conv-{key}-...</c>); the responders' own copies are the
/// case's messages and reply entries, encrypted to their RSA key as before.
/// </summary>
public sealed record ConversationItem(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("text")] string Text)
{
    public const string Tipster = "tipster";
    public const string Answer = "answer";

    public byte[] ToUtf8Json() => JsonSerializer.SerializeToUtf8Bytes(this, FollowUpJsonContext.Default.ConversationItem);

    public static ConversationItem FromUtf8Json(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, FollowUpJsonContext.Default.ConversationItem) ?? throw new JsonException("Empty conversation item.");
}

/// <summary>The case key as the responders' wrap holds it (encrypted to their RSA key): the key, and its look-up blob (to delete it with the case).</summary>
internal sealed record CaseKeyRecord(
    [property: JsonPropertyName("tipId")] string TipId,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("publicKey")] byte[] PublicKey,
    [property: JsonPropertyName("privateKey")] byte[] PrivateKey,
    [property: JsonPropertyName("lookup")] string Lookup);

/// <summary>The look-up blob's content (sealed under the pepper): the case, and its private key wrapped under the code's key.</summary>
internal sealed record LookupRecord(
    [property: JsonPropertyName("tipId")] string TipId,
    [property: JsonPropertyName("wrapped")] byte[] Wrapped);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConversationItem))]
[JsonSerializable(typeof(CaseKeyRecord))]
[JsonSerializable(typeof(LookupRecord))]
internal sealed partial class FollowUpJsonContext : JsonSerializerContext;
