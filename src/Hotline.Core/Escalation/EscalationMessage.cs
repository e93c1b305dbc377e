using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Escalation;

/// <summary>
/// A message on the <c>escalation</c> queue: a step that is due (sent with a visibility delay of AckWithin), an
/// acknowledgement from the responder tool (with the random token its answer goes under), or the notice that someone
/// acknowledged. A receipt (or digest id), a step, a responder's name: never content or a number.
/// </summary>
public sealed record EscalationMessage(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("step"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Step = null,
    [property: JsonPropertyName("ackBy"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? AckBy = null,
    [property: JsonPropertyName("via"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Via = null,
    [property: JsonPropertyName("notify"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Notify = null,
    [property: JsonPropertyName("replyTo"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReplyTo = null)
{
    public string ToJson() => JsonSerializer.Serialize(this, EscalationJsonContext.Default.EscalationMessage);

    /// <summary>Null when the body is not an escalation message.</summary>
    public static EscalationMessage? TryParse(string body)
    {
        try
        {
            var message = JsonSerializer.Deserialize(body, EscalationJsonContext.Default.EscalationMessage);
            return message is { Id.Length: > 0 and <= 64 } ? message : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EscalationMessage))]
[JsonSerializable(typeof(EscalationRecord))]
[JsonSerializable(typeof(AckResult))]
internal sealed partial class EscalationJsonContext : JsonSerializerContext;
