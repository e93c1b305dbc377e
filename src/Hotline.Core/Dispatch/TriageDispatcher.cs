using System.Net;
using System.Text.Json;
using Hotline.Diagnostics;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Dispatch;

/// <summary>Who gets an alert: in order, and whether the first one reached is enough.</summary>
internal sealed record RoutePlan(IReadOnlyList<Responder> Responders, bool FirstReachedOnly, bool IgnoredMinUrgency);

internal static class AlertRouting
{
    /// <summary>
    /// At or above <paramref name="pageAllFrom"/>: every responder whose MinUrgency allows the alert.
    /// Below: the first of them who can be reached, those who read the report's language first.
    /// When nobody's MinUrgency allows it, the whole roster is used: an alert is never dropped.
    /// </summary>
    public static RoutePlan Plan(IReadOnlyList<Responder> roster, Urgency urgency, string? language, Urgency pageAllFrom)
    {
        // The escalation list is paged when an alert goes unacknowledged, not first; a roster of nobody else still pages them.
        var first = roster.Any(r => !r.Escalation) ? roster.Where(r => !r.Escalation).ToList() : [.. roster];
        return PlanAmong(first, urgency, language, pageAllFrom);
    }

    private static RoutePlan PlanAmong(List<Responder> roster, Urgency urgency, string? language, Urgency pageAllFrom)
    {
        var eligible = roster.Where(r => urgency >= r.MinUrgency).ToList();
        var ignored = eligible.Count == 0 && roster.Count > 0;
        if (ignored)
        {
            eligible = [.. roster];
        }

        if (urgency >= pageAllFrom)
        {
            return new RoutePlan(eligible, FirstReachedOnly: false, ignored);
        }

        // OrderBy is stable: roster order within each group.
        var ordered = eligible.OrderBy(r => language is not null && r.Speaks(language) ? 0 : 1).ToList();
        return new RoutePlan(ordered, FirstReachedOnly: true, ignored);
    }

    /// <summary>
    /// An undelivered-alert notice goes to everyone the alert was for (MinUrgency, as any alert), on every
    /// channel: something failed. With the urgency unknown (an unreadable message), to the whole roster.
    /// </summary>
    public static RoutePlan Notice(IReadOnlyList<Responder> roster, Urgency? urgency)
    {
        if (urgency is not { } known)
        {
            return new RoutePlan(roster, FirstReachedOnly: false, IgnoredMinUrgency: false);
        }

        var eligible = roster.Where(r => known >= r.MinUrgency).ToList();
        return eligible.Count == 0 && roster.Count > 0
            ? new RoutePlan(roster, FirstReachedOnly: false, IgnoredMinUrgency: true)
            : new RoutePlan(eligible, FirstReachedOnly: false, IgnoredMinUrgency: false);
    }
}

/// <summary>
/// Sends alerts to responders by SMS (Twilio) and webhook, once per (alert, responder, channel).
/// Outcome per channel: delivered (recorded), refused for good (a 4xx other than 408/429: logged with
/// Twilio's code, recorded, the others are still alerted, never retried), failed for now, or in
/// progress in another delivery of the same alert. Paging everyone, any channel not done makes the
/// invocation fail at the end, after everyone was tried, so the message is retried and the done
/// sends are skipped; paging the first reached, one responder reached on any channel is enough.
/// An SMS that Twilio later reports undelivered (<see cref="SentAlerts"/>) counts as reaching nobody.
/// </summary>
public sealed partial class TriageDispatcher(
    IOptions<RosterOptions> roster,
    IOptions<DispatchOptions> dispatch,
    IOptions<TwilioOptions> twilio,
    TwilioSmsClient sms,
    WebhookAlertClient webhooks,
    AlertLedger ledger,
    AlertDigest digest,
    SentAlerts sentAlerts,
    UntriagedAlerts untriaged,
    AlertWordings wordings,
    IEnumerable<IAlertFollowUp> followUps,
    TimeProvider time,
    ILogger<TriageDispatcher> logger)
{
    private readonly IAlertFollowUp[] _followUps = [.. followUps];

    private const string SmsChannel = "sms";
    private const string ConsoleChannel = "console";
    private const string WebhookChannel = "webhook";

    private enum Outcome
    {
        Delivered,
        Refused,
        Failed,
        InProgressElsewhere,

        /// <summary>Sent before, and Twilio reported it undelivered: not again, and it reached nobody.</summary>
        Undelivered,
    }

    /// <summary>One send's result; a refusal carries the HTTP status and Twilio's code for the record.</summary>
    private readonly record struct SendResult(Outcome Outcome, int Status = 0, int TwilioErrorCode = 0);

    /// <summary>
    /// DispatchTriage: one triage message (well-formed: <see cref="AlertFacts.TryReadTriage"/>), routed by urgency.
    /// <paramref name="deliveryCount"/> is how many times the queue has delivered it, this time included. Throws
    /// when a send is not done, so the message is retried (done sends are not repeated) and finally poisoned.
    /// </summary>
    public async Task DispatchAlertAsync(TriageMessage triage, long deliveryCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(triage);
        if (!await DigestsAsync(deliveryCount, triage, cancellationToken))
        {
            var responders = roster.Value.Responders;
            var plan = AlertRouting.Plan(responders, triage.Urgency, triage.Language, dispatch.Value.PageAllFromUrgency);
            if (plan.IgnoredMinUrgency)
            {
                Log.NobodyTakesUrgency(logger, triage.AlertKey, triage.Urgency);
            }

            var facts = AlertFacts.ForAlert(triage) with { AckHint = WaitsForAcknowledgement(triage.Urgency) };
            if (await DeliverAsync(facts, plan, cancellationToken))
            {
                // Paging everyone, nobody takes the place of a responder Twilio could not reach: everyone the
                // alert was for learns that it did not reach them all, as when it could not be sent at all.
                Log.PageUndelivered(logger, triage.AlertKey);
                await DeliverAsync(AlertFacts.ForUndelivered(triage), AlertRouting.Notice(responders, triage.Urgency), cancellationToken);
            }

            await FollowUpAsync(new PagedAlert(facts, plan.Responders, triage, null, null), cancellationToken);
        }

        await ForgetUntriagedAsync(triage);
    }

    /// <summary>
    /// The alert is handled: the sweeper need not queue it again. Best effort: if this fails, the sweeper
    /// queues it once more later, and the ledger keeps that from paging anyone twice.
    /// </summary>
    private async Task ForgetUntriagedAsync(TriageMessage triage)
    {
        try
        {
            await untriaged.RemoveAsync(triage, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.ForgetFailed(logger, triage.AlertKey, ex.GetType().Name);
        }
    }

    /// <summary>
    /// Under a surge (more than DigestAfter alerts in the window, across instances), the alert goes into
    /// the digest instead of paging. Counted on the first delivery only: a retried alert was counted, and
    /// its sends may be half done, so it finishes as it started.
    /// </summary>
    private async Task<bool> DigestsAsync(long deliveryCount, TriageMessage triage, CancellationToken cancellationToken)
    {
        var after = dispatch.Value.DigestAfter;
        if (after == 0 || deliveryCount > 1)
        {
            return false;
        }

        var count = await digest.CountAsync(cancellationToken);
        if (count <= after)
        {
            return false;
        }

        await digest.AddAsync(triage, cancellationToken);
        Log.Digested(logger, triage.AlertKey, count, dispatch.Value.DigestWindow, after);
        return true;
    }

    /// <summary>
    /// DispatchDigest: one message per responder for every alert gathered under a surge, to everyone whose
    /// MinUrgency takes the most urgent of them, on every channel. Fails when a send is not done, so the next
    /// run sends it again (the alerts stay until a digest covering them is delivered).
    /// </summary>
    public async Task DispatchDigestAsync(CancellationToken cancellationToken)
    {
        await digest.ForgetOldWindowsAsync(cancellationToken);
        var pending = await digest.PendingAsync(cancellationToken);
        if (pending.Count == 0)
        {
            return;
        }

        var readable = pending.Where(p => p.Triage is not null).Select(p => p.Triage!).ToList();
        var unreadable = pending.Where(p => p.Triage is null).Select(p => AlertFacts.IsReceipt(p.Receipt) ? p.Receipt : "?").ToList();
        var facts = AlertFacts.ForDigest(readable, unreadable);
        facts = facts with { AckHint = WaitsForAcknowledgement(facts.Urgency) };
        Log.DigestDue(logger, facts.LedgerKey, pending.Count, facts.Digest!.Urgent, unreadable.Count);
        var plan = AlertRouting.Notice(roster.Value.Responders, facts.Urgency);
        await DeliverAsync(facts, plan, cancellationToken);

        // Before the alerts are forgotten: a failure here reruns the digest, whose sends the ledger skips.
        await FollowUpAsync(new PagedAlert(facts, plan.Responders, null, readable, unreadable), cancellationToken);
        await digest.RemoveAsync(pending, cancellationToken);
    }

    /// <summary>
    /// An escalation step or an acknowledged notice (<c>Hotline.Escalation</c>): to each of <paramref name="responders"/>
    /// on every channel, once per (ledger key, responder, channel). Throws when a send is not done, so the step is retried.
    /// </summary>
    public async Task DeliverToEachAsync(AlertFacts facts, IReadOnlyList<Responder> responders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(responders);
        await DeliverAsync(facts, new RoutePlan(responders, FirstReachedOnly: false, IgnoredMinUrgency: false), cancellationToken);
    }

    private bool WaitsForAcknowledgement(Urgency? urgency) => _followUps.Any(f => f.WaitsForAcknowledgement(urgency));

    private async Task FollowUpAsync(PagedAlert alert, CancellationToken cancellationToken)
    {
        foreach (var followUp in _followUps)
        {
            await followUp.PagedAsync(alert, cancellationToken);
        }
    }

    /// <summary>
    /// DispatchTriagePoison: tells every responder that an alert could not be delivered, unless the
    /// ledger shows it was: a copy of an alert that kept finding another delivery at work (a retried
    /// tip queues its triage message again) ends here although that other delivery paged everyone.
    /// </summary>
    public async Task DispatchUndeliveredNoticeAsync(PoisonedAlert poisoned, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(poisoned);
        var triage = poisoned.Triage;
        if (triage is not null && await WasDeliveredAsync(triage, cancellationToken))
        {
            Log.PoisonedCopyWasDelivered(logger, triage.AlertKey, poisoned.MessageId);
            return;
        }

        var facts = triage is null ? AlertFacts.ForUnreadable(poisoned.MessageId, poisoned.Receipt) : AlertFacts.ForUndelivered(triage);
        Log.Undelivered(logger, facts.Receipt, poisoned.MessageId);
        HotlineMetrics.PoisonMessage(StorageNames.TriagePoisonQueue);
        await DeliverAsync(facts, AlertRouting.Notice(roster.Value.Responders, facts.Urgency), cancellationToken);
        if (triage is not null)
        {
            // Responders know now: the sweeper must not start the failing alert over every few minutes.
            await ForgetUntriagedAsync(triage);
        }
    }

    /// <summary>
    /// Tells every responder (as a poisoned alert does) that media of a case could not be stored: it is still at
    /// Twilio, and a responder may want to ask the tipster or fetch it by hand. Once per message (the ledger).
    /// </summary>
    public Task NotifyMediaNotStoredAsync(AlertFacts facts, CancellationToken cancellationToken) => NoticeToEveryoneAsync(facts, cancellationToken);

    /// <summary>A notice to every responder, routed as the undelivered-alert notice is; once per ledger key.</summary>
    public Task NoticeToEveryoneAsync(AlertFacts facts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return DeliverAsync(facts, AlertRouting.Notice(roster.Value.Responders, facts.Urgency), cancellationToken);
    }

    /// <summary>
    /// Delivered as its routing asks: paging the first reached, one send recorded as sent; paging
    /// everyone, every send of every responder recorded as sent (a refused one makes it a notice).
    /// </summary>
    private async Task<bool> WasDeliveredAsync(TriageMessage triage, CancellationToken cancellationToken)
    {
        var plan = AlertRouting.Plan(roster.Value.Responders, triage.Urgency, triage.Language, dispatch.Value.PageAllFromUrgency);
        var key = AlertFacts.ForAlert(triage).LedgerKey;
        var sends = plan.Responders.SelectMany(r => ChannelsOf(r).Select(channel => (Responder: r, Channel: channel))).ToList();
        if (sends.Count == 0)
        {
            return false;
        }

        var sent = await Task.WhenAll(sends.Select(s => ledger.IsSentAsync(key, s.Responder, s.Channel, cancellationToken)));
        return plan.FirstReachedOnly ? sent.Any(x => x) : sent.All(x => x);
    }

    /// <summary>The ledger's channel names for a responder, as <see cref="DeliverToAsync"/> sends them.</summary>
    private IEnumerable<string> ChannelsOf(Responder responder)
    {
        if (responder.Phone is not null)
        {
            yield return twilio.Value.IsConfigured ? SmsChannel : ConsoleChannel;
        }

        if (responder.WebhookUrl is not null)
        {
            yield return WebhookChannel;
        }
    }

    /// <returns>
    /// Paging everyone: true when a responder was reached on no channel because Twilio reported their SMS
    /// undelivered (the status callback queued the alert again). Paging the first reached, the next responder
    /// takes their place, and it is false.
    /// </returns>
    private async Task<bool> DeliverAsync(AlertFacts facts, RoutePlan plan, CancellationToken cancellationToken)
    {
        if (plan.Responders.Count == 0)
        {
            // Only possible without Twilio (start-up refuses an empty roster with Twilio): a local run.
            Log.NoRoster(logger, facts.LedgerKey, AlertText.Plain(facts, wordings.For(null)));
            return false;
        }

        if (plan.FirstReachedOnly)
        {
            foreach (var responder in plan.Responders)
            {
                var channels = await DeliverToAsync(facts, responder, cancellationToken);
                if (channels.Contains(Outcome.Delivered))
                {
                    if (channels.Any(o => o is Outcome.Failed or Outcome.InProgressElsewhere))
                    {
                        Log.ReachedOnAnotherChannel(logger, facts.LedgerKey, responder.Label);
                    }

                    return false;
                }

                if (channels.Contains(Outcome.InProgressElsewhere))
                {
                    // The other delivery may reach this responder: paging the next one now could page two.
                    throw new AlertDeliveryException($"Alert {facts.LedgerKey}: another delivery is sending it to {responder.Label}; the message will be retried.");
                }
            }

            throw new AlertDeliveryException($"Alert {facts.LedgerKey}: none of {plan.Responders.Count} responders could be reached; the message will be retried.");
        }

        var perResponder = await Task.WhenAll(plan.Responders.Select(r => DeliverToAsync(facts, r, cancellationToken)));
        var outcomes = perResponder.SelectMany(o => o).ToList();
        var notDone = outcomes.Count(o => o is Outcome.Failed or Outcome.InProgressElsewhere);
        if (notDone > 0)
        {
            throw new AlertDeliveryException($"Alert {facts.LedgerKey}: {notDone} of {outcomes.Count} sends not done yet; the message will be retried (done sends are not repeated).");
        }

        if (perResponder.Any(channels => channels.Contains(Outcome.Undelivered) && !channels.Contains(Outcome.Delivered)))
        {
            return true;
        }

        if (!outcomes.Contains(Outcome.Delivered))
        {
            // Nobody has it: retried, then the poison queue's notice tells the roster.
            throw new AlertDeliveryException($"Alert {facts.LedgerKey}: every one of {outcomes.Count} sends was refused; nobody was paged.");
        }

        return false;
    }

    /// <summary>Every channel of one responder, at once; one outcome per channel.</summary>
    private async Task<Outcome[]> DeliverToAsync(AlertFacts facts, Responder responder, CancellationToken cancellationToken)
    {
        var wording = wordings.For(responder);
        var sends = new List<Task<Outcome>>();
        if (responder.Phone is { } phone)
        {
            sends.Add(twilio.Value.IsConfigured
                ? SendOnceAsync(facts, responder, SmsChannel, ct => SendSmsAsync(facts, responder, phone, AlertText.Sms(facts, wording), ct), cancellationToken)
                : SendOnceAsync(facts, responder, ConsoleChannel, _ => Print(responder, AlertText.Sms(facts, wording)), cancellationToken));
        }

        if (responder.WebhookUrl is { } url)
        {
            sends.Add(SendOnceAsync(facts, responder, WebhookChannel, ct => SendWebhookAsync(facts, responder, url, AlertText.Webhook(facts, wording), ct), cancellationToken));
        }

        return await Task.WhenAll(sends);
    }

    /// <summary>Claim, send, settle: see <see cref="AlertLedger"/>.</summary>
    private async Task<Outcome> SendOnceAsync(
        AlertFacts facts, Responder responder, string channel, Func<CancellationToken, Task<SendResult>> send, CancellationToken cancellationToken)
    {
        var claim = await ledger.ClaimAsync(facts.LedgerKey, responder, channel, cancellationToken);
        switch (claim.State)
        {
            case ClaimState.Sent:
                Log.AlreadySent(logger, facts.LedgerKey, responder.Label, channel);
                return Outcome.Delivered;
            case ClaimState.Refused:
                Log.AlreadyRefused(logger, facts.LedgerKey, responder.Label, channel, claim.Status, claim.TwilioErrorCode);
                return Outcome.Refused;
            case ClaimState.Undelivered:
                Log.AlreadyUndelivered(logger, facts.LedgerKey, responder.Label, channel, claim.TwilioErrorCode);
                return Outcome.Undelivered;
            case ClaimState.InProgressElsewhere:
                Log.InProgressElsewhere(logger, facts.LedgerKey, responder.Label, channel);
                return Outcome.InProgressElsewhere;
        }

        if (claim.TookOver)
        {
            Log.TookOver(logger, facts.LedgerKey, responder.Label, channel, ledger.StaleAfter);
        }

        SendResult result;
        try
        {
            result = await send(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Network errors and timeouts that outlasted the retries. Only the type: an exception's
            // message can carry a webhook address, and webhook addresses are secrets.
            Log.SendFailed(logger, facts.LedgerKey, responder.Label, channel, ex.GetType().Name);
            result = new SendResult(Outcome.Failed);
        }
        catch (Exception)
        {
            // Cancelled (stopping): whether it went out is unknown, as after a timeout; the redelivery decides.
            await ReleaseAsync(facts, responder, channel, claim);
            throw;
        }

        try
        {
            // Not the invocation's token: a send that is out must be recorded even while stopping.
            switch (result.Outcome)
            {
                case Outcome.Delivered:
                    await ledger.MarkSentAsync(facts.LedgerKey, responder, channel, claim, CancellationToken.None);
                    break;
                case Outcome.Refused:
                    await ledger.MarkRefusedAsync(facts.LedgerKey, responder, channel, claim, result.Status, result.TwilioErrorCode, CancellationToken.None);
                    break;
                default:
                    await ReleaseAsync(facts, responder, channel, claim);
                    break;
            }
        }
        catch (Exception ex)
        {
            // The send is out (or refused); failing now would only send it again on the retry. The
            // claim stays and turns stale, so a much later redelivery could send it once more.
            Log.RecordFailed(logger, facts.LedgerKey, responder.Label, channel, result.Outcome.ToString(), ex.GetType().Name);
        }

        return result.Outcome;
    }

    private async Task ReleaseAsync(AlertFacts facts, Responder responder, string channel, AlertClaim claim)
    {
        try
        {
            // Not the invocation's token: a claim left behind holds up the retry until it is stale.
            await ledger.ReleaseAsync(facts.LedgerKey, responder, channel, claim, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.ReleaseFailed(logger, facts.LedgerKey, responder.Label, channel, ex.GetType().Name, ledger.StaleAfter);
        }
    }

    /// <summary>Counts a delivery; a report's first alert sent also records how long it took from arrival.</summary>
    private void Measure(AlertFacts facts, string channel, string outcome)
    {
        // The latency first: an export that sees this delivery counted then sees its latency too (a collection
        // between the two showed a sent alert with no latency).
        if (outcome == "sent" && facts.Kind == AlertKind.Alert && facts.Step is null)
        {
            HotlineMetrics.AlertLatency(facts.ReceivedAt, time);
        }

        HotlineMetrics.AlertDelivery(channel, outcome);
    }

    private async Task<SendResult> SendSmsAsync(AlertFacts facts, Responder responder, string phone, string body, CancellationToken cancellationToken)
    {
        // Urgent alerts and undelivered-alert notices go ahead of ordinary alerts waiting for an SMS slot.
        // A digest holding an urgent report (or one whose urgency is unknown) is as urgent as that report.
        var urgent = facts.Urgency == Urgency.Urgent || facts.Kind == AlertKind.Undelivered || (facts.Kind == AlertKind.Digest && facts.Urgency is null);
        var result = await sms.SendSmsAsync(phone, body, urgent, cancellationToken);
        if (result.Succeeded)
        {
            Log.Sent(logger, facts.Kind, facts.LedgerKey, responder.Label, SmsChannel);
            Measure(facts, SmsChannel, "sent");
            await RecordSentAsync(facts, responder, result.MessageSid);
            return new SendResult(Outcome.Delivered);
        }

        if (result.IsTransient)
        {
            Log.SendFailed(logger, facts.LedgerKey, responder.Label, SmsChannel, $"HTTP {(int)result.Status}, Twilio error {result.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
            Measure(facts, SmsChannel, "failed");
            return new SendResult(Outcome.Failed);
        }

        Log.Refused(logger, facts.LedgerKey, responder.Label, SmsChannel, (int)result.Status, result.ErrorCode ?? 0);
        Measure(facts, SmsChannel, "refused");
        return new SendResult(Outcome.Refused, (int)result.Status, result.ErrorCode ?? 0);
    }

    /// <summary>
    /// Records the SMS as Hotline's, so its status callback is acted on (<see cref="SentAlerts"/>). Best effort: the
    /// SMS is out, and failing now would send it again. Without a record Twilio's copy stays, and an undelivered
    /// report about it goes unheard.
    /// </summary>
    private async Task RecordSentAsync(AlertFacts facts, Responder responder, string? messageSid)
    {
        if (messageSid is null || twilio.Value.StatusCallbackUrl is null)
        {
            return;
        }

        try
        {
            // Not the invocation's token, as for the ledger: the message is out.
            await sentAlerts.RecordAsync(messageSid, facts, responder, SmsChannel, CancellationToken.None);
        }
        catch (Exception ex)
        {
            Log.SentNotRecorded(logger, facts.LedgerKey, responder.Label, ex.GetType().Name);
        }
    }

    private async Task<SendResult> SendWebhookAsync(AlertFacts facts, Responder responder, Uri url, WebhookAlert alert, CancellationToken cancellationToken)
    {
        var status = await webhooks.PostAsync(url, alert, cancellationToken);
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            Log.Sent(logger, facts.Kind, facts.LedgerKey, responder.Label, WebhookChannel);
            Measure(facts, WebhookChannel, "sent");
            return new SendResult(Outcome.Delivered);
        }

        if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || code >= 500)
        {
            Log.SendFailed(logger, facts.LedgerKey, responder.Label, WebhookChannel, $"HTTP {code}");
            Measure(facts, WebhookChannel, "failed");
            return new SendResult(Outcome.Failed);
        }

        Log.Refused(logger, facts.LedgerKey, responder.Label, WebhookChannel, code, 0);
        Measure(facts, WebhookChannel, "refused");
        return new SendResult(Outcome.Refused, code);
    }

    private Task<SendResult> Print(Responder responder, string text)
    {
        // No Twilio account: show what the responder's phone would get. The text holds no content
        // (that is the point of it); the phone number is not printed.
        Log.Printed(logger, responder.Label, responder.Name, text.TrimEnd());
        return Task.FromResult(new SendResult(Outcome.Delivered));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Kind} {AlertKey} sent to {Responder} by {Channel}.")]
        public static partial void Sent(ILogger logger, AlertKind kind, string alertKey, string responder, string channel);

        [LoggerMessage(2, LogLevel.Information, "{AlertKey} was already sent to {Responder} by {Channel}: not sent again.")]
        public static partial void AlreadySent(ILogger logger, string alertKey, string responder, string channel);

        [LoggerMessage(3, LogLevel.Error, "{AlertKey}: {Channel} to {Responder} was refused for good (HTTP {Status}, Twilio error {TwilioErrorCode}); not retried, the others are still alerted. Check the roster entry.")]
        public static partial void Refused(ILogger logger, string alertKey, string responder, string channel, int status, int twilioErrorCode);

        // Whether it is retried depends on the routing; the invocation's verdict says so.
        [LoggerMessage(4, LogLevel.Warning, "{AlertKey}: {Channel} to {Responder} failed for now ({Reason}).")]
        public static partial void SendFailed(ILogger logger, string alertKey, string responder, string channel, string reason);

        [LoggerMessage(5, LogLevel.Warning, "{AlertKey}: {Channel} to {Responder} ended {Outcome}, but recording that failed ({ErrorType}); a much later redelivery may send it again.")]
        public static partial void RecordFailed(ILogger logger, string alertKey, string responder, string channel, string outcome, string errorType);

        [LoggerMessage(6, LogLevel.Warning, "Twilio is not configured: the SMS alert for {Responder} ({ResponderName}) is printed here, not sent:\n{AlertText}")]
        public static partial void Printed(ILogger logger, string responder, string responderName, string alertText);

        [LoggerMessage(7, LogLevel.Warning, "No responder on the roster: nobody was paged for {AlertKey}. This is the alert they would get:\n{AlertText}")]
        public static partial void NoRoster(ILogger logger, string alertKey, string alertText);

        [LoggerMessage(8, LogLevel.Warning, "{AlertKey}: no responder's MinUrgency takes {Urgency} alerts; routing to the whole roster so the alert is not dropped.")]
        public static partial void NobodyTakesUrgency(ILogger logger, string alertKey, Urgency urgency);

        [LoggerMessage(9, LogLevel.Error, "An alert could not be delivered (receipt {Receipt}, poison message {MessageId}); telling every responder.")]
        public static partial void Undelivered(ILogger logger, string receipt, string messageId);

        [LoggerMessage(10, LogLevel.Warning, "{AlertKey}: another delivery of this alert is sending {Channel} to {Responder}; not sent here, and this delivery will fail so the message is retried.")]
        public static partial void InProgressElsewhere(ILogger logger, string alertKey, string responder, string channel);

        [LoggerMessage(11, LogLevel.Information, "{AlertKey}: {Channel} to {Responder} was refused for good before (HTTP {Status}, Twilio error {TwilioErrorCode}); not sent again.")]
        public static partial void AlreadyRefused(ILogger logger, string alertKey, string responder, string channel, int status, int twilioErrorCode);

        [LoggerMessage(12, LogLevel.Information, "{AlertKey}: {Responder} was reached on another channel; one responder reached is enough for this urgency, so the failed channel is not retried.")]
        public static partial void ReachedOnAnotherChannel(ILogger logger, string alertKey, string responder);

        [LoggerMessage(13, LogLevel.Warning, "{AlertKey}: {Channel} to {Responder} was claimed by a delivery that ended without a verdict (claim older than {StaleAfter}); taking it over. If that delivery did send, this pages a second time.")]
        public static partial void TookOver(ILogger logger, string alertKey, string responder, string channel, TimeSpan staleAfter);

        [LoggerMessage(14, LogLevel.Warning, "{AlertKey}: giving back the claim on {Channel} to {Responder} failed ({ErrorType}); redeliveries wait until it is stale ({StaleAfter}).")]
        public static partial void ReleaseFailed(ILogger logger, string alertKey, string responder, string channel, string errorType, TimeSpan staleAfter);

        [LoggerMessage(15, LogLevel.Warning, "{AlertKey}: poison message {MessageId} is a copy of an alert that the ledger shows delivered; no undelivered notice.")]
        public static partial void PoisonedCopyWasDelivered(ILogger logger, string alertKey, string messageId);

        [LoggerMessage(16, LogLevel.Warning, "{AlertKey} goes into the next digest, not paged on its own: alert {Count} in this {Window} window, above Hotline__Dispatch__DigestAfter ({DigestAfter}).")]
        public static partial void Digested(ILogger logger, string alertKey, int count, TimeSpan window, int digestAfter);

        [LoggerMessage(18, LogLevel.Warning, "{AlertKey} was handled, but forgetting its untriaged record failed ({ErrorType}); the sweeper will queue it once more, and the ledger keeps that from paging twice.")]
        public static partial void ForgetFailed(ILogger logger, string alertKey, string errorType);

        [LoggerMessage(17, LogLevel.Information, "{AlertKey}: sending a digest of {Count} alerts ({Urgent} urgent, {Unreadable} unreadable).")]
        public static partial void DigestDue(ILogger logger, string alertKey, int count, int urgent, int unreadable);

        [LoggerMessage(19, LogLevel.Information, "{AlertKey}: {Channel} to {Responder} was reported undelivered by Twilio (error {TwilioErrorCode}); not sent again, and it reached nobody.")]
        public static partial void AlreadyUndelivered(ILogger logger, string alertKey, string responder, string channel, int twilioErrorCode);

        [LoggerMessage(20, LogLevel.Warning, "{AlertKey}: Twilio could not deliver the SMS to a responder paged with everyone; sending the undelivered-alert notice to everyone the alert is for.")]
        public static partial void PageUndelivered(ILogger logger, string alertKey);

        [LoggerMessage(21, LogLevel.Warning, "{AlertKey}: the SMS to {Responder} is out, but recording it as Hotline's failed ({ErrorType}): Twilio's copy stays, and an undelivered report about it will not re-route the alert.")]
        public static partial void SentNotRecorded(ILogger logger, string alertKey, string responder, string errorType);
    }
}
