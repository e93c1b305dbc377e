using Hotline.Triage;

namespace Hotline.Dispatch;

/// <summary>An alert that has paged its responders: what it was, and who it was for.</summary>
/// <param name="Triage">The triage message of a single alert; null for a digest.</param>
/// <param name="DigestAlerts">A digest's alerts; null for a single alert.</param>
/// <param name="DigestUnreadable">A digest's receipts that could not be read back; null for a single alert.</param>
public sealed record PagedAlert(
    AlertFacts Facts, IReadOnlyList<Responder> Paged, TriageMessage? Triage, IReadOnlyList<TriageMessage>? DigestAlerts, IReadOnlyList<string>? DigestUnreadable);

/// <summary>
/// What follows an alert once it paged its responders: escalation (<c>Hotline.Escalation</c>) waits for an
/// acknowledgement. Dispatch knows only this, so the features depend one way (Escalation on Dispatch).
/// </summary>
public interface IAlertFollowUp
{
    /// <summary>Whether an alert of <paramref name="urgency"/> (null: unknown) waits for an acknowledgement: its SMS says how.</summary>
    bool WaitsForAcknowledgement(Urgency? urgency);

    /// <summary>Called after the alert was delivered; throwing fails the delivery, whose retry pages nobody twice.</summary>
    Task PagedAsync(PagedAlert alert, CancellationToken cancellationToken);
}
