using System.Text.Json;
using Hotline.Triage;

namespace Hotline.Dispatch;

/// <summary>
/// A triage message that failed every delivery and ended in <c>triage-poison</c>, as the undelivered-alert notice
/// needs it: the queue message's id (the notice's key when nothing else can be read), the triage message when it is
/// well-formed, and otherwise the receipt when a receipt-shaped tip id can be read (responders must learn which case
/// failed).
/// </summary>
public sealed record PoisonedAlert(string MessageId, TriageMessage? Triage, string? Receipt)
{
    /// <summary>Reads a poison queue message's body; never throws on what the body holds.</summary>
    public static PoisonedAlert Read(string messageId, string body)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(body);
        var triage = AlertFacts.TryReadTriage(body);
        return new PoisonedAlert(messageId, triage, triage?.TipId ?? ReadReceipt(body));
    }

    /// <summary>The receipt of a message that is not a well-formed triage message, when one can be read.</summary>
    private static string? ReadReceipt(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("tipId", out var tipId)
                && tipId.ValueKind == JsonValueKind.String
                && AlertFacts.IsReceipt(tipId.GetString())
                ? tipId.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
