using System.Net;
using System.Text.Json;
using Hotline.Functions.Hosting;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.DispatchTriage;

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

    /// <summary>An undelivered-alert notice goes to everyone, whatever their MinUrgency: something failed.</summary>
    public static RoutePlan Everyone(IReadOnlyList<Responder> roster) => new(roster, FirstReachedOnly: false, IgnoredMinUrgency: false);
}

/// <summary>A delivery that must be retried: the invocation fails so the queue redelivers it.</summary>
public sealed class AlertDeliveryException : Exception
{
    public AlertDeliveryException()
    {
    }

    public AlertDeliveryException(string message)
        : base(message)
    {
    }

    public AlertDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Sends alerts to responders by SMS (Twilio) and webhook, once per (alert, responder, channel).
/// Outcome per channel: delivered (recorded), refused for good (a 4xx other than 408/429: logged with
/// Twilio's code, the others are still alerted, never retried), or failed for now (throws at the
/// end, after everyone else was tried, so the message is retried and recorded sends are skipped).
/// </summary>
internal sealed partial class TriageDispatcher(
    IOptions<RosterOptions> roster,
    IOptions<DispatchOptions> dispatch,
    IOptions<TwilioOptions> twilio,
    TwilioSmsClient sms,
    WebhookAlertClient webhooks,
    AlertLedger ledger,
    TimeProvider time,
    ILogger<TriageDispatcher> logger)
{
    private enum Outcome
    {
        Delivered,
        Refused,
        Failed,
    }

    /// <summary>DispatchTriage: one triage message, routed by urgency.</summary>
    public async Task DispatchAlertAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var triage = TryParse(message.Body)
            ?? throw new InvalidDataException($"Queue message {message.Id} is not a triage message; it will end in the poison queue and raise a notice.");
        var responders = roster.Value.Responders;
        var plan = AlertRouting.Plan(responders, triage.Urgency, triage.Language, dispatch.Value.PageAllFromUrgency);
        if (plan.IgnoredMinUrgency)
        {
            Log.NobodyTakesUrgency(logger, triage.AlertKey, triage.Urgency);
        }

        await DeliverAsync(AlertFacts.ForAlert(triage), plan, cancellationToken);
    }

    /// <summary>DispatchTriagePoison: tells every responder that an alert could not be delivered.</summary>
    public async Task DispatchUndeliveredNoticeAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var triage = TryParse(message.Body);
        var facts = triage is null ? AlertFacts.ForUnreadable(message.Id) : AlertFacts.ForUndelivered(triage);
        Log.Undelivered(logger, facts.Receipt, message.Id);
        await DeliverAsync(facts, AlertRouting.Everyone(roster.Value.Responders), cancellationToken);
    }

    private static TriageMessage? TryParse(string body)
    {
        try
        {
            var triage = TriageMessage.Parse(body);
            return AlertFacts.IsWellFormed(triage) ? triage : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task DeliverAsync(AlertFacts facts, RoutePlan plan, CancellationToken cancellationToken)
    {
        if (plan.Responders.Count == 0)
        {
            // Only possible without Twilio (start-up refuses an empty roster with Twilio): a local run.
            Log.NoRoster(logger, facts.LedgerKey, AlertText.Plain(facts, AlertText.WordingFor(null)));
            return;
        }

        if (plan.FirstReachedOnly)
        {
            foreach (var responder in plan.Responders)
            {
                if (await DeliverToAsync(facts, responder, cancellationToken) == Outcome.Delivered)
                {
                    return;
                }
            }

            throw new AlertDeliveryException($"Alert {facts.LedgerKey}: none of {plan.Responders.Count} responders could be reached; the message will be retried.");
        }

        var outcomes = await Task.WhenAll(plan.Responders.Select(r => DeliverToAsync(facts, r, cancellationToken)));
        var failed = outcomes.Count(o => o == Outcome.Failed);
        if (failed > 0 || !outcomes.Contains(Outcome.Delivered))
        {
            throw new AlertDeliveryException($"Alert {facts.LedgerKey}: {failed} of {outcomes.Length} responders not reached yet; the message will be retried (delivered sends are not repeated).");
        }
    }

    /// <summary>Every channel of one responder; reached when any channel delivered.</summary>
    private async Task<Outcome> DeliverToAsync(AlertFacts facts, Responder responder, CancellationToken cancellationToken)
    {
        var wording = AlertText.WordingFor(responder);
        var sends = new List<Task<Outcome>>();
        if (responder.Phone is { } phone)
        {
            sends.Add(twilio.Value.IsConfigured
                ? SendOnceAsync(facts, responder, "sms", ct => SendSmsAsync(facts, responder, phone, AlertText.Sms(facts, wording), ct), cancellationToken)
                : SendOnceAsync(facts, responder, "console", _ => Print(facts, responder, AlertText.Sms(facts, wording)), cancellationToken));
        }

        if (responder.WebhookUrl is { } url)
        {
            sends.Add(SendOnceAsync(facts, responder, "webhook", ct => SendWebhookAsync(facts, responder, url, AlertText.Webhook(facts, wording), ct), cancellationToken));
        }

        var outcomes = await Task.WhenAll(sends);
        return outcomes.Contains(Outcome.Delivered) ? Outcome.Delivered
            : outcomes.Contains(Outcome.Failed) ? Outcome.Failed
            : Outcome.Refused;
    }

    private async Task<Outcome> SendOnceAsync(
        AlertFacts facts, Responder responder, string channel, Func<CancellationToken, Task<Outcome>> send, CancellationToken cancellationToken)
    {
        if (await ledger.IsRecordedAsync(facts.LedgerKey, responder, channel, cancellationToken))
        {
            Log.AlreadySent(logger, facts.LedgerKey, responder.Label, channel);
            return Outcome.Delivered;
        }

        Outcome outcome;
        try
        {
            outcome = await send(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Network errors and timeouts that outlasted the retries. Only the type: an exception's
            // message can carry a webhook address, and webhook addresses are secrets.
            Log.SendFailed(logger, facts.LedgerKey, responder.Label, channel, ex.GetType().Name);
            return Outcome.Failed;
        }

        if (outcome == Outcome.Delivered)
        {
            try
            {
                await ledger.RecordAsync(facts.LedgerKey, responder, channel, time.GetUtcNow(), cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The alert is out; failing now would only page this responder again on the retry.
                Log.RecordFailed(logger, facts.LedgerKey, responder.Label, channel, ex.GetType().Name);
            }
        }

        return outcome;
    }

    private async Task<Outcome> SendSmsAsync(AlertFacts facts, Responder responder, string phone, string body, CancellationToken cancellationToken)
    {
        var result = await sms.SendSmsAsync(phone, body, cancellationToken);
        if (result.Succeeded)
        {
            Log.Sent(logger, facts.Kind, facts.LedgerKey, responder.Label, "sms");
            return Outcome.Delivered;
        }

        if (result.IsTransient)
        {
            Log.SendFailed(logger, facts.LedgerKey, responder.Label, "sms", $"HTTP {(int)result.Status}, Twilio error {result.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
            return Outcome.Failed;
        }

        Log.Refused(logger, facts.LedgerKey, responder.Label, "sms", (int)result.Status, result.ErrorCode ?? 0);
        return Outcome.Refused;
    }

    private async Task<Outcome> SendWebhookAsync(AlertFacts facts, Responder responder, Uri url, WebhookAlert alert, CancellationToken cancellationToken)
    {
        var status = await webhooks.PostAsync(url, alert, cancellationToken);
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            Log.Sent(logger, facts.Kind, facts.LedgerKey, responder.Label, "webhook");
            return Outcome.Delivered;
        }

        if (status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || code >= 500)
        {
            Log.SendFailed(logger, facts.LedgerKey, responder.Label, "webhook", $"HTTP {code}");
            return Outcome.Failed;
        }

        Log.Refused(logger, facts.LedgerKey, responder.Label, "webhook", code, 0);
        return Outcome.Refused;
    }

    private Task<Outcome> Print(AlertFacts facts, Responder responder, string text)
    {
        // No Twilio account: show what the responder's phone would get. The text holds no content
        // (that is the point of it); the phone number is not printed.
        Log.Printed(logger, responder.Label, responder.Name, text.TrimEnd());
        return Task.FromResult(Outcome.Delivered);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Kind} {AlertKey} sent to {Responder} by {Channel}.")]
        public static partial void Sent(ILogger logger, AlertKind kind, string alertKey, string responder, string channel);

        [LoggerMessage(2, LogLevel.Information, "{AlertKey} was already sent to {Responder} by {Channel}: not sent again.")]
        public static partial void AlreadySent(ILogger logger, string alertKey, string responder, string channel);

        [LoggerMessage(3, LogLevel.Error, "{AlertKey}: {Channel} to {Responder} was refused for good (HTTP {Status}, Twilio error {TwilioErrorCode}); not retried, the others are still alerted. Check the roster entry.")]
        public static partial void Refused(ILogger logger, string alertKey, string responder, string channel, int status, int twilioErrorCode);

        [LoggerMessage(4, LogLevel.Warning, "{AlertKey}: {Channel} to {Responder} failed ({Reason}); the message will be retried.")]
        public static partial void SendFailed(ILogger logger, string alertKey, string responder, string channel, string reason);

        [LoggerMessage(5, LogLevel.Warning, "{AlertKey}: sent to {Responder} by {Channel}, but recording the send failed ({ErrorType}); a redelivery may page again.")]
        public static partial void RecordFailed(ILogger logger, string alertKey, string responder, string channel, string errorType);

        [LoggerMessage(6, LogLevel.Warning, "Twilio is not configured: the SMS alert for {Responder} ({ResponderName}) is printed here, not sent:\n{AlertText}")]
        public static partial void Printed(ILogger logger, string responder, string responderName, string alertText);

        [LoggerMessage(7, LogLevel.Warning, "No responder on the roster: nobody was paged for {AlertKey}. This is the alert they would get:\n{AlertText}")]
        public static partial void NoRoster(ILogger logger, string alertKey, string alertText);

        [LoggerMessage(8, LogLevel.Warning, "{AlertKey}: no responder's MinUrgency takes {Urgency} alerts; routing to the whole roster so the alert is not dropped.")]
        public static partial void NobodyTakesUrgency(ILogger logger, string alertKey, Urgency urgency);

        [LoggerMessage(9, LogLevel.Error, "An alert could not be delivered (receipt {Receipt}, poison message {MessageId}); telling every responder.")]
        public static partial void Undelivered(ILogger logger, string receipt, string messageId);
    }
}
