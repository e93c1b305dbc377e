using System.Globalization;
using System.Text.Json;
using Hotline.Diagnostics;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.Logging;

namespace Hotline.Dispatch;

/// <summary>
/// What the app keeps with an SMS it sent to a responder, sealed in the message's <see cref="SentMessages"/> record:
/// the alert key, the name of its send record in the ledger, the roster entry (its label, never the phone), and for
/// an alert its triage message. No number and no content.
/// </summary>
internal sealed record SentAlert(string AlertKey, string Record, string Responder, string? Triage);

/// <summary>
/// SMS alerts and Twilio's later verdict on them. An SMS Twilio accepted has only left for the carrier: a phone that
/// is off or out of coverage gets nothing, and Twilio says so in the status callback (<c>undelivered</c>, or
/// <c>failed</c>, with its error code). Each SMS alert is recorded when Twilio accepts it; when one is reported
/// undelivered or failed, its send record becomes <c>undelivered</c> and an alert's triage message goes back on the
/// <c>triage</c> queue. DispatchTriage then pages the next responder who can be reached (paging the first reached:
/// the undelivered send counts as reaching nobody), or sends the undelivered-alert notice (paging everyone). The
/// ledger keeps that from paging anyone twice when the callback is retried, and the queue retries it as any alert.
/// </summary>
public sealed partial class SentAlerts(SentMessages sent, AlertLedger ledger, TriageSender triage, ILogger<SentAlerts> logger)
{
    /// <summary>Records an SMS Twilio accepted as Hotline's, with what a re-route needs.</summary>
    public Task RecordAsync(string messageSid, AlertFacts facts, Responder responder, string channel, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageSid);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(responder);
        var about = new SentAlert(facts.LedgerKey, ledger.RecordNameOf(facts.LedgerKey, responder, channel), responder.Label, facts.Source?.ToJson());
        return sent.RecordAsync(messageSid, BinaryData.FromString(JsonSerializer.Serialize(about, DispatchJsonContext.Default.SentAlert)), cancellationToken);
    }

    /// <summary>
    /// Twilio reports <paramref name="message"/> undelivered or failed. For a responder's SMS: the ledger says so, and
    /// an alert is queued again to be routed past it. A reply to a tipster is only logged: the responder tool shows
    /// what was sent, and a responder decides whether to try again. Throws when the ledger or the queue fails, so the
    /// callback is answered 503 and its record kept.
    /// </summary>
    public async Task UndeliveredAsync(SentMessage message, string status, int? twilioErrorCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentException.ThrowIfNullOrEmpty(status);
        var code = twilioErrorCode?.ToString(CultureInfo.InvariantCulture) ?? "none";
        if (message.About is null)
        {
            Log.ReplyUndelivered(logger, status, code);
            return;
        }

        if (Read(message.About) is not { } alert)
        {
            Log.Unreadable(logger, status, code);
            return;
        }

        await ledger.MarkUndeliveredAsync(alert.Record, twilioErrorCode, cancellationToken);
        HotlineMetrics.AlertDelivery("sms", "undelivered");
        if (alert.Triage is null)
        {
            // A notice or a digest goes to everyone it is for: the others have it.
            Log.NoticeUndelivered(logger, alert.AlertKey, alert.Responder, status, code);
            return;
        }

        await triage.EnqueueAsync(TriageMessage.Parse(alert.Triage), cancellationToken);
        Log.Rerouted(logger, alert.AlertKey, alert.Responder, status, code);
    }

    private static SentAlert? Read(BinaryData about)
    {
        try
        {
            return JsonSerializer.Deserialize(about, DispatchJsonContext.Default.SentAlert);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{AlertKey}: Twilio reports the SMS to {Responder} {Status} (Twilio error {TwilioErrorCode}); recorded, and the alert is queued again to reach someone else.")]
        public static partial void Rerouted(ILogger logger, string alertKey, string responder, string status, string twilioErrorCode);

        [LoggerMessage(2, LogLevel.Warning, "{AlertKey}: Twilio reports the SMS to {Responder} {Status} (Twilio error {TwilioErrorCode}); recorded. It went to everyone it was for, so nobody else is paged.")]
        public static partial void NoticeUndelivered(ILogger logger, string alertKey, string responder, string status, string twilioErrorCode);

        [LoggerMessage(3, LogLevel.Warning, "Twilio reports a reply to a tipster {Status} (Twilio error {TwilioErrorCode}): the tipster did not get it.")]
        public static partial void ReplyUndelivered(ILogger logger, string status, string twilioErrorCode);

        [LoggerMessage(4, LogLevel.Error, "Twilio reports an SMS Hotline sent {Status} (Twilio error {TwilioErrorCode}), but what was kept about it cannot be read: nobody else is paged for it.")]
        public static partial void Unreadable(ILogger logger, string status, string twilioErrorCode);
    }
}
