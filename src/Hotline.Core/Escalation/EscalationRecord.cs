using System.Text.Json.Serialization;
using Hotline.Triage;

namespace Hotline.Escalation;

/// <summary>
/// One alert that waits for an acknowledgement (sealed in storage, see <see cref="Escalations"/>): what it was, which
/// step it reached, who was paged, and who acknowledged it. Receipts, urgencies and responder names; no content, no number.
/// A receipt that went into a digest holds only <see cref="DigestId"/>: its acknowledgement is the digest's.
/// </summary>
public sealed record EscalationRecord
{
    /// <summary>The receipt of an alert, or <c>digest-…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The ledger key of the first page; each step sends under <c>{LedgerKey}/escalation-{step}</c>.</summary>
    public string LedgerKey { get; init; } = string.Empty;

    /// <summary>The alert's triage message (content-free, as on the queue), to lay out each step as the first page.</summary>
    public TriageMessage? Triage { get; init; }

    /// <summary>A digest's alerts and its unreadable receipts, to lay out each step as the digest.</summary>
    public IReadOnlyList<TriageMessage>? DigestAlerts { get; init; }

    public IReadOnlyList<string>? DigestUnreadable { get; init; }

    /// <summary>Set on a receipt's pointer to the digest that covers it; nothing else is.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DigestId { get; init; }

    public DateTimeOffset OpenedAt { get; init; }

    /// <summary>Escalation steps done: 0 after the first page, <see cref="EscalationOptions.LastStep"/> when everyone had it.</summary>
    public int Step { get; init; }

    /// <summary>When the next step is due (unless acknowledged).</summary>
    public DateTimeOffset DueAt { get; init; }

    /// <summary>Everyone paged so far, by <see cref="Dispatch.Responder.Key"/>: who is told of the acknowledgement.</summary>
    public IReadOnlyList<string> Paged { get; init; } = [];

    public string? AckedBy { get; init; }

    public DateTimeOffset? AckedAt { get; init; }

    /// <summary><c>sms</c> or <c>cli</c>.</summary>
    public string? AckedVia { get; init; }

    [JsonIgnore]
    public bool IsOpen => AckedAt is null && Step < EscalationOptions.LastStep;
}
