using Hotline.Dispatch;
using Hotline.Triage;
using Microsoft.Extensions.Logging;

namespace Hotline.Escalation;

/// <summary>Opens the escalation of every alert that waits for an acknowledgement, once it has paged its responders.</summary>
internal sealed partial class EscalationOpener(Escalations escalations, ILogger<EscalationOpener> logger) : IAlertFollowUp
{
    public bool WaitsForAcknowledgement(Urgency? urgency) => escalations.Options.Applies(urgency);

    public async Task PagedAsync(PagedAlert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var facts = alert.Facts;
        if (!WaitsForAcknowledgement(facts.Urgency) || alert.Paged.Count == 0)
        {
            return;
        }

        var now = escalations.Now;
        var digest = alert.Triage is null;
        var record = new EscalationRecord
        {
            Id = digest ? facts.LedgerKey : facts.Receipt,
            LedgerKey = facts.LedgerKey,
            Triage = alert.Triage,
            DigestAlerts = alert.DigestAlerts,
            DigestUnreadable = alert.DigestUnreadable,
            OpenedAt = now,
            DueAt = now + escalations.Options.AckWithin,
            Paged = alert.Paged.Select(r => r.Key).Distinct(StringComparer.Ordinal).ToList(),
        };
        var covered = digest
            ? (alert.DigestAlerts ?? []).Select(a => a.TipId).Concat((alert.DigestUnreadable ?? []).Where(AlertFacts.IsReceipt)).Distinct(StringComparer.Ordinal).ToList()
            : [];
        await escalations.OpenAsync(record, covered, alert.Paged, cancellationToken);
        Log.Opened(logger, facts.LedgerKey, escalations.Options.AckWithin);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{AlertKey} waits for an acknowledgement: if nobody acknowledges within {AckWithin}, it escalates.")]
        public static partial void Opened(ILogger logger, string alertKey, TimeSpan ackWithin);
    }
}
