using System.Globalization;
using Hotline.Cases;
using Hotline.Diagnostics;
using Hotline.Dispatch;
using Hotline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Escalation;

/// <summary>
/// An alert that waits for an acknowledgement and gets none within AckWithin escalates, one step each AckWithin:
/// 1 pages the same responders again, 2 the escalation list (<c>Responders__N__Escalation=true</c>; with nobody on it,
/// straight to 3), 3 every responder on every channel. Each step is the alert again (content-free, padded, with its
/// step in the title), sent through the ledger under its own key, so a retried or duplicated step pages nobody twice;
/// the record says which step is done. An acknowledgement stops it, and everyone paged so far is told who took it.
/// </summary>
public sealed partial class AlertEscalator(
    Escalations escalations,
    TriageDispatcher dispatcher,
    IOptions<RosterOptions> roster,
    AuditLog audit,
    ILogger<AlertEscalator> logger)
{
    public const string ViaSms = "sms";
    public const string ViaTool = "cli";

    /// <summary>EscalateAlert: one queue message (a step that is due, an acknowledgement from the tool, a notice).</summary>
    public async Task HandleAsync(EscalationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.AckBy is { } by)
        {
            var result = await AcknowledgeAsync(message.Id, by, message.Via ?? ViaTool, cancellationToken);
            await escalations.AnswerToolAsync(message.ReplyTo, result, cancellationToken);
            return;
        }

        await (message.Notify == true
            ? NotifyAcknowledgedAsync(message.Id, cancellationToken)
            : EscalateAsync(message.Id, message.Step, requeueIfEarly: true, cancellationToken));
    }

    /// <summary>
    /// EscalateAlertPoison: a message that failed every delivery on <c>escalation</c>. An acknowledgement or a notice is
    /// tried once more (a person's ACK must count; the ledger sends a notice once). A step, or a message nobody can read,
    /// tells every responder at once that the alert's escalation failed, so no one waits on a page that is not coming;
    /// the EscalateOverdue timer keeps trying the step itself while the escalation is open.
    /// </summary>
    public async Task HandlePoisonedAsync(string messageId, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(body);
        var message = EscalationMessage.TryParse(body);
        var kind = message switch
        {
            null => "unreadable",
            { AckBy: not null } => "acknowledgement",
            { Notify: true } => "notice",
            _ => "step",
        };
        Log.Poisoned(logger, messageId, kind);
        HotlineMetrics.PoisonMessage(Escalations.QueueName + StorageNames.PoisonSuffix);
        if (message is { AckBy: not null } or { Notify: true })
        {
            await HandleAsync(message, cancellationToken);
            return;
        }

        var found = message is null ? null : await escalations.ReadAsync(message.Id, cancellationToken);
        if (found?.Record is { } done && (done.AckedAt is not null || message?.Step <= done.Step))
        {
            // Acknowledged meanwhile, or the step was sent after all (the timer, another delivery): nothing to tell.
            Log.PoisonedButDone(logger, messageId);
            return;
        }

        var facts = found?.Record is { Triage: { } triage } record
            ? AlertFacts.ForUndelivered(triage) with { LedgerKey = record.LedgerKey + "/escalation-failed" }
            : AlertFacts.ForUnreadable(messageId, found is { } f ? Receipts(f.Record).FirstOrDefault() : message?.Id is { } id && AlertFacts.IsReceipt(id) ? id : null);
        await dispatcher.NoticeToEveryoneAsync(facts, cancellationToken);
    }

    /// <summary>EscalateOverdue: every open escalation whose step is due (what a lost or late queue message would leave).</summary>
    public async Task EscalateOverdueAsync(CancellationToken cancellationToken)
    {
        var failed = 0;
        foreach (var id in await escalations.OpenIdsAsync(cancellationToken))
        {
            try
            {
                await EscalateAsync(id, expectedStep: null, requeueIfEarly: false, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failing escalation must not hold up the others; the next run tries it again.
                failed++;
                Log.OverdueFailed(logger, id, ex.GetType().Name);
            }
        }

        if (failed > 0)
        {
            throw new AlertDeliveryException($"{failed} overdue escalation steps could not be sent; the next run tries again.");
        }
    }

    /// <summary>
    /// Sends the next step of <paramref name="id"/> if it is due and nobody acknowledged. <paramref name="expectedStep"/>
    /// (a queue message's) already done: nothing. Throws when a send is not done, so the step is retried.
    /// </summary>
    public async Task EscalateAsync(string id, int? expectedStep, bool requeueIfEarly, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        for (var round = 0; round < 4; round++)
        {
            if (await escalations.ReadAsync(id, cancellationToken) is not { } found)
            {
                await escalations.CloseAsync(id, cancellationToken);
                return;
            }

            var (record, etag) = found;

            if (!record.IsOpen)
            {
                await escalations.CloseAsync(record.Id, cancellationToken);
                return;
            }

            if (expectedStep is { } expected && expected <= record.Step)
            {
                return; // a duplicate of a step done
            }

            var now = escalations.Now;
            if (now < record.DueAt)
            {
                if (requeueIfEarly)
                {
                    await escalations.QueueAsync(new EscalationMessage(record.Id, Step: record.Step + 1), record.DueAt - now, cancellationToken);
                }

                return;
            }

            var step = record.Step + 1;
            var responders = StepResponders(record, ref step);
            var facts = FactsOf(record) with { LedgerKey = $"{record.LedgerKey}/escalation-{step.ToString(CultureInfo.InvariantCulture)}", Step = step, AckHint = true };
            Log.Step(logger, record.LedgerKey, step, StepName(step), responders.Count);
            await dispatcher.DeliverToEachAsync(facts, responders, cancellationToken);

            var updated = record with
            {
                Step = step,
                DueAt = now + escalations.Options.AckWithin,
                Paged = record.Paged.Concat(responders.Select(r => r.Key)).Distinct(StringComparer.Ordinal).ToList(),
            };
            if (!await escalations.TryUpdateAsync(updated, etag, cancellationToken))
            {
                // Acknowledged or stepped meanwhile: read again (the ledger made this run's sends no-ops if another did them).
                continue;
            }

            HotlineMetrics.EscalationStep(StepName(step));
            await escalations.PointLastAsync(record.Id, responders, cancellationToken);
            if (step < EscalationOptions.LastStep)
            {
                await escalations.QueueAsync(new EscalationMessage(record.Id, Step: step + 1), escalations.Options.AckWithin, cancellationToken);
                Log.StepRecorded(logger, record.LedgerKey, step, escalations.Options.AckWithin);
            }
            else
            {
                await escalations.CloseAsync(record.Id, cancellationToken);
                Log.Everyone(logger, record.LedgerKey, responders.Count, now - record.OpenedAt);
            }

            return;
        }
    }

    /// <summary>
    /// Acknowledges the alert <paramref name="id"/> (a receipt, a digest's id, or a receipt a digest covers: the
    /// digest) for <paramref name="by"/>: escalation stops, the audit log records who and when, and a notice to the
    /// others is queued. Acknowledging after the last step still counts (and still tells the others).
    /// </summary>
    public async Task<AckResult> AcknowledgeAsync(string id, string by, string via, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(by);
        var name = AuditLog.Clean(by);
        for (var round = 0; round < 4; round++)
        {
            if (await escalations.ReadAsync(id, cancellationToken) is not { } found)
            {
                return new AckResult(AckOutcome.Nothing);
            }

            var (record, etag) = found;

            var shown = Shown(record);
            if (record.AckedAt is not null)
            {
                if (!string.Equals(record.AckedBy, name, StringComparison.OrdinalIgnoreCase))
                {
                    return new AckResult(AckOutcome.AlreadyAcknowledged, shown, record.AckedBy);
                }

                // The same responder again (a retried message or webhook, a second ACK): confirmed, not "someone else".
                // The notice is queued again, in case the first attempt stopped before it; the ledger sends it once.
                await escalations.QueueAsync(new EscalationMessage(record.Id, Notify: true), TimeSpan.Zero, cancellationToken);
                return new AckResult(AckOutcome.Acknowledged, shown, record.AckedBy);
            }

            var now = escalations.Now;
            if (!await escalations.TryUpdateAsync(record with { AckedBy = name, AckedAt = now, AckedVia = via }, etag, cancellationToken))
            {
                continue;
            }

            HotlineMetrics.AcknowledgeTime(now - record.OpenedAt, via, record.Step);
            Log.Acknowledged(logger, record.LedgerKey, name, via, record.Step, now - record.OpenedAt);
            await escalations.CloseAsync(record.Id, cancellationToken);
            // Here, not in the tool: only an acknowledgement that took effect is who took the case.
            foreach (var receipt in Receipts(record))
            {
                await audit.AppendAsync(name, "ack", receipt, cancellationToken);
            }

            await escalations.QueueAsync(new EscalationMessage(record.Id, Notify: true), TimeSpan.Zero, cancellationToken);
            return new AckResult(AckOutcome.Acknowledged, shown, name);
        }

        throw new InvalidOperationException($"The escalation of {id} kept changing; the acknowledgement will be retried.");
    }

    /// <summary>One content-free notice to everyone paged so far but the one who acknowledged: who took it.</summary>
    public async Task NotifyAcknowledgedAsync(string id, CancellationToken cancellationToken)
    {
        if (await escalations.ReadAsync(id, cancellationToken) is not { Record.AckedBy: { } by } found)
        {
            return;
        }

        var record = found.Record;

        var paged = record.Paged.ToHashSet(StringComparer.Ordinal);
        var others = roster.Value.Responders
            .Where(r => paged.Contains(r.Key) && !string.Equals(AuditLog.Clean(r.Name), by, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (others.Count > 0)
        {
            await dispatcher.DeliverToEachAsync(AlertFacts.ForAcknowledged(Shown(record), record.LedgerKey, by), others, cancellationToken);
        }
    }

    private List<Responder> StepResponders(EscalationRecord record, ref int step)
    {
        var everyone = roster.Value.Responders;
        if (step == 1)
        {
            var paged = record.Paged.ToHashSet(StringComparer.Ordinal);
            var same = everyone.Where(r => paged.Contains(r.Key)).ToList();
            if (same.Count > 0)
            {
                return same;
            }

            step = 2; // the roster changed and nobody paged first is on it: escalate
        }

        if (step == 2)
        {
            var list = everyone.Where(r => r.Escalation).ToList();
            if (list.Count > 0)
            {
                return list;
            }

            step = 3; // no escalation list: everyone, now
        }

        return [.. everyone];
    }

    private static AlertFacts FactsOf(EscalationRecord record) =>
        record.Triage is { } triage
            ? AlertFacts.ForAlert(triage)
            : AlertFacts.ForDigest(record.DigestAlerts ?? [], record.DigestUnreadable ?? []);

    private static IEnumerable<string> Receipts(EscalationRecord record) =>
        record.Triage is { } triage
            ? [triage.TipId]
            : (record.DigestAlerts ?? []).Select(a => a.TipId).Concat((record.DigestUnreadable ?? []).Where(AlertFacts.IsReceipt)).Distinct(StringComparer.Ordinal);

    /// <summary>The case number a responder reads: a digest's most urgent one, with how many more it covers.</summary>
    private static string Shown(EscalationRecord record)
    {
        if (record.Triage is { } triage)
        {
            return triage.TipId;
        }

        var receipts = FactsOf(record).Digest?.Receipts ?? [];
        return receipts.Count switch
        {
            0 => record.Id,
            1 => receipts[0],
            _ => string.Create(CultureInfo.InvariantCulture, $"{receipts[0]} +{receipts.Count - 1}"),
        };
    }

    public static string StepName(int step) => step switch
    {
        1 => "repage",
        2 => "escalation-list",
        _ => "everyone",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{AlertKey} not acknowledged: escalation step {Step} ({StepName}) to {Count} responders.")]
        public static partial void Step(ILogger logger, string alertKey, int step, string stepName, int count);

        [LoggerMessage(2, LogLevel.Error, "{AlertKey} escalated to everyone: {Count} responders paged on every channel, {Elapsed} after the first page, and nobody has acknowledged it. See the on-call runbook.")]
        public static partial void Everyone(ILogger logger, string alertKey, int count, TimeSpan elapsed);

        [LoggerMessage(3, LogLevel.Information, "{AlertKey} acknowledged by {Responder} ({Via}) after step {Step}, {Elapsed} after the first page; escalation stopped.")]
        public static partial void Acknowledged(ILogger logger, string alertKey, string responder, string via, int step, TimeSpan elapsed);

        [LoggerMessage(4, LogLevel.Warning, "Escalation {Id}: the overdue step failed ({ErrorType}); the next run tries again.")]
        public static partial void OverdueFailed(ILogger logger, string id, string errorType);

        [LoggerMessage(5, LogLevel.Error, "Escalation message {MessageId} ({Kind}) failed every delivery and is in escalation-poison: handling it now (a step or an unreadable message: every responder is told).")]
        public static partial void Poisoned(ILogger logger, string messageId, string kind);

        [LoggerMessage(7, LogLevel.Warning, "Escalation message {MessageId} from escalation-poison: its alert was acknowledged or its step sent meanwhile; nobody is told.")]
        public static partial void PoisonedButDone(ILogger logger, string messageId);

        [LoggerMessage(6, LogLevel.Information, "{AlertKey}: escalation step {Step} recorded; the next is queued for {AckWithin} from now.")]
        public static partial void StepRecorded(ILogger logger, string alertKey, int step, TimeSpan ackWithin);
    }
}
