using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hotline.Text;
using Hotline.Triage;

namespace Hotline.Dispatch;

/// <summary>
/// Everything an alert may say. Built from the triage message, which itself holds no content:
/// there is no field here through which tip text or a tipster's number could reach a responder's phone.
/// </summary>
public sealed partial record AlertFacts(
    AlertKind Kind, string Receipt, Urgency? Urgency, Channel? Channel, DateTimeOffset? ReceivedAt, string? Language, bool ContactPaused, string LedgerKey)
{
    /// <summary>No triage rules read the report's language: it was raised to high, and the alert says why.</summary>
    public bool LanguageUnread { get; init; }

    /// <summary>The alert is about a further message of a case the responders already have (SMS or web follow-up).</summary>
    public bool FollowUp { get; init; }

    /// <summary>Longest receipt an alert carries: keeps every alert in one length class.</summary>
    public const int MaxReceiptLength = 32;

    /// <summary>
    /// True when the message's fields can go into an alert and a blob name: a receipt-shaped tip id, and a
    /// language tag by the same rule intake accepts it (<see cref="LanguageTags"/>).
    /// </summary>
    public static bool IsWellFormed(TriageMessage message) =>
        IsReceipt(message.TipId) && LanguageTags.IsValid(message.Language);

    /// <summary>
    /// A queue message's body as a triage message an alert can be made from; null when it is not JSON, not a triage
    /// message, or not well-formed (<see cref="IsWellFormed"/>): such a message can only end in a notice.
    /// </summary>
    public static TriageMessage? TryReadTriage(string body)
    {
        try
        {
            var triage = TriageMessage.Parse(body);
            return IsWellFormed(triage) ? triage : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool IsReceipt(string? tipId) => tipId is { Length: > 0 and <= MaxReceiptLength } && Token().IsMatch(tipId);

    public static AlertFacts ForAlert(TriageMessage m) =>
        new(AlertKind.Alert, m.TipId, m.Urgency, m.Channel, m.ReceivedAt, LanguageTags.ForAlert(m.Language), m.ContactPaused == true, m.AlertKey) { LanguageUnread = m.LanguageUnread == true, FollowUp = m.FollowUp == true, Source = m };

    /// <summary>
    /// The triage message an <see cref="AlertKind.Alert"/> was made from (content-free, as on the queue): kept with
    /// each SMS it sends, so an SMS Twilio reports undelivered can be routed again. Never part of the text.
    /// </summary>
    public TriageMessage? Source { get; init; }

    /// <summary>An escalation step (1 re-page, 2 escalation list, 3 everyone) of an alert nobody acknowledged; null on the first page.</summary>
    public int? Step { get; init; }

    /// <summary>The alert waits for an acknowledgement: its SMS says how to give one.</summary>
    public bool AckHint { get; init; }

    /// <summary>On an <see cref="AlertKind.Acknowledged"/> notice: who acknowledged (a roster name or the tool's <c>--as</c>).</summary>
    public string? AcknowledgedBy { get; init; }

    /// <summary>
    /// The notice that <paramref name="by"/> acknowledged the alert with ledger key <paramref name="ledgerKey"/>
    /// (<paramref name="receipt"/>: its case number, or a digest's first with the count of the rest).
    /// </summary>
    public static AlertFacts ForAcknowledged(string receipt, string ledgerKey, string by) =>
        new(AlertKind.Acknowledged, receipt, null, null, null, null, false, ledgerKey + "/acknowledged") { AcknowledgedBy = by };

    /// <summary>Set on an <see cref="AlertKind.Expiring"/> warning: the receipts of the cases that expire soon, soonest first.</summary>
    public IReadOnlyList<string>? Expiring { get; init; }

    /// <summary>Retention's warning of <paramref name="day"/>: one a day (the ledger key is the day), whatever the runs.</summary>
    public static AlertFacts ForExpiring(DateOnly day, IReadOnlyList<string> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var key = "expiring-" + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return new(AlertKind.Expiring, key, null, null, null, null, false, key) { Expiring = receipts };
    }

    /// <summary>Set on a <see cref="AlertKind.Digest"/>: what it gathers.</summary>
    public DigestSummary? Digest { get; init; }

    /// <summary>
    /// A digest of alerts that waited in the digest (<paramref name="unreadable"/> of them could not be read
    /// back: counted, and their urgency taken as unknown so the digest goes to the whole roster). Its ledger
    /// key is a hash of the alerts it covers, so a rerun after a partial failure does not page twice.
    /// </summary>
    public static AlertFacts ForDigest(IReadOnlyList<TriageMessage> alerts, IReadOnlyList<string> unreadable)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(unreadable);
        var urgent = alerts.Count(a => a.Urgency == Triage.Urgency.Urgent);
        var receipts = alerts
            .OrderByDescending(a => a.Urgency).ThenBy(a => a.ReceivedAt).Select(a => a.TipId)
            .Concat(unreadable).Distinct(StringComparer.Ordinal).ToList();
        Urgency? highest = unreadable.Count > 0 || alerts.Count == 0 ? null : alerts.Max(a => a.Urgency);
        var covered = string.Join('\n', alerts.Select(a => a.AlertKey).Concat(unreadable).Order(StringComparer.Ordinal));
        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(covered)))[..24];
        DateTimeOffset? since = alerts.Count == 0 ? null : alerts.Min(a => a.ReceivedAt);
        return new(AlertKind.Digest, $"digest-{key}", highest, null, since, null, false, $"digest-{key}")
        {
            Digest = new DigestSummary(alerts.Count + unreadable.Count, urgent, since, receipts),
        };
    }

    /// <summary>Media of message <paramref name="sequence"/> of a case could not be stored; one notice per message.</summary>
    public static AlertFacts ForMediaNotStored(string receipt, int sequence, Urgency? urgency, DateTimeOffset? receivedAt, string? language) =>
        new(AlertKind.MediaNotStored, receipt, urgency, Triage.Channel.Sms, receivedAt, language is null ? null : LanguageTags.ForAlert(language), false, $"{receipt}/media-{sequence.ToString(CultureInfo.InvariantCulture)}/not-stored");

    public static AlertFacts ForUndelivered(TriageMessage m) =>
        new(AlertKind.Undelivered, m.TipId, m.Urgency, m.Channel, m.ReceivedAt, LanguageTags.ForAlert(m.Language), m.ContactPaused == true, m.AlertKey + "/undelivered") { LanguageUnread = m.LanguageUnread == true, FollowUp = m.FollowUp == true };

    /// <summary>
    /// A poison message that is not a well-formed triage message: its queue id, and its receipt when a
    /// receipt-shaped tip id can be read from it (responders must learn which case failed).
    /// </summary>
    public static AlertFacts ForUnreadable(string messageId, string? receipt)
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(messageId)))[..16];
        return receipt is null
            ? new(AlertKind.Undelivered, "?", null, null, null, null, false, $"unreadable-{id}/undelivered")
            : new(AlertKind.Undelivered, receipt, null, null, null, null, false, $"{receipt}/unreadable-{id}/undelivered");
    }

    [GeneratedRegex("^[A-Za-z0-9-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
