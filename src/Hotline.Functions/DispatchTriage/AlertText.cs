using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Hotline.Functions.Texts;
using Hotline.Text;
using Hotline.Triage;

namespace Hotline.Functions.DispatchTriage;

public enum AlertKind
{
    /// <summary>A new case (or a case whose urgency rose or whose contact was paused).</summary>
    Alert,

    /// <summary>An alert that could not be delivered and ended in <c>triage-poison</c>.</summary>
    Undelivered,

    /// <summary>Under a surge, the alerts gathered since the last digest, in one message (<see cref="DigestSummary"/>).</summary>
    Digest,

    /// <summary>Media an MMS brought could not be stored (it is still at Twilio): a responder should look at the case.</summary>
    MediaNotStored,
}

/// <summary>What a digest says: how many reports, how many urgent, since when, and their receipts (urgent first).</summary>
public sealed record DigestSummary(int Reports, int Urgent, DateTimeOffset? Since, IReadOnlyList<string> Receipts);

/// <summary>
/// Everything an alert may say. Built from the triage message, which itself holds no content:
/// there is no field here through which tip text or a tipster's number could reach a responder's phone.
/// </summary>
public sealed partial record AlertFacts(
    AlertKind Kind, string Receipt, Urgency? Urgency, Channel? Channel, DateTimeOffset? ReceivedAt, string? Language, bool ContactPaused, string LedgerKey)
{
    /// <summary>No triage rules read the report's language: it was raised to high, and the alert says why.</summary>
    public bool LanguageUnread { get; init; }

    /// <summary>Longest receipt an alert carries: keeps every alert in one length class.</summary>
    public const int MaxReceiptLength = 32;

    /// <summary>
    /// True when the message's fields can go into an alert and a blob name: a receipt-shaped tip id, and a
    /// language tag by the same rule intake accepts it (<see cref="LanguageTags"/>).
    /// </summary>
    public static bool IsWellFormed(TriageMessage message) =>
        IsReceipt(message.TipId) && LanguageTags.IsValid(message.Language);

    public static bool IsReceipt(string? tipId) => tipId is { Length: > 0 and <= MaxReceiptLength } && Token().IsMatch(tipId);

    public static AlertFacts ForAlert(TriageMessage m) =>
        new(AlertKind.Alert, m.TipId, m.Urgency, m.Channel, m.ReceivedAt, LanguageTags.ForAlert(m.Language), m.ContactPaused == true, m.AlertKey) { LanguageUnread = m.LanguageUnread == true, Source = m };

    /// <summary>
    /// The triage message an <see cref="AlertKind.Alert"/> was made from (content-free, as on the queue): kept with
    /// each SMS it sends, so an SMS Twilio reports undelivered can be routed again. Never part of the text.
    /// </summary>
    public TriageMessage? Source { get; init; }

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
        new(AlertKind.Undelivered, m.TipId, m.Urgency, m.Channel, m.ReceivedAt, LanguageTags.ForAlert(m.Language), m.ContactPaused == true, m.AlertKey + "/undelivered") { LanguageUnread = m.LanguageUnread == true };

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

/// <summary>
/// Alert wording and layout. Every SMS alert to a responder is padded to one fixed length for its
/// alphabet, so its size (and segment count, which carriers and phone bills show) says nothing about
/// urgency, channel or whether contact was paused. Padding is spaces at the end of the line before
/// the last one, so a carrier trimming trailing space cannot undo it. A wording is wholly GSM-7 or
/// wholly not (French avoids ê and ç for this): one variant slipping into UCS-2 would change its
/// segment count and give away what the padding hides.
/// </summary>
internal static class AlertText
{
    /// <summary>GSM-7 alerts: two concatenated segments of 153 characters.</summary>
    public const int GsmLength = 306;

    /// <summary>UCS-2 alerts (Arabic, Ukrainian): five concatenated segments of 67.</summary>
    public const int Ucs2Length = 335;

    public const string DefaultLanguage = "en";

    /// <summary>Alert wordings by language: the catalogue languages with an <c>alert</c> section (<c>Texts/Strings</c>).</summary>
    public static IReadOnlyDictionary<string, AlertWording> Wordings { get; } =
        TextCatalogue.All.Where(l => l.Alert is not null).ToDictionary(l => l.Tag, l => l.Alert!, StringComparer.OrdinalIgnoreCase);

    /// <summary>The responder's first listed language that has a wording; English otherwise.</summary>
    public static AlertWording WordingFor(Responder? responder)
    {
        foreach (var language in responder?.Languages ?? [])
        {
            if (Wordings.TryGetValue(Responder.Primary(language), out var wording))
            {
                return wording;
            }
        }

        return Wordings[DefaultLanguage];
    }

    /// <summary>The alert's lines, the fixed pointer last.</summary>
    public static List<string> Lines(AlertFacts facts, AlertWording w)
    {
        if (facts.Kind == AlertKind.Digest)
        {
            return DigestLines(facts.Digest ?? new DigestSummary(0, 0, null, []), w);
        }

        var urgency = facts.Urgency switch
        {
            Urgency.Urgent => w.Urgent,
            Urgency.High => w.High,
            Urgency.Normal => w.Normal,
            _ => w.Unknown,
        };
        var channel = facts.Channel switch
        {
            Channel.Sms => w.Sms,
            Channel.Web => w.WebForm,
            _ => w.Unknown,
        };
        var lines = new List<string>
        {
            facts.Kind switch { AlertKind.Alert => w.Title, AlertKind.MediaNotStored => w.MediaTitle, _ => w.UndeliveredTitle },
            $"{w.UrgencyLabel}: {urgency}",
            $"{w.ChannelLabel}: {channel}",
            $"{w.ReceiptLabel}: {facts.Receipt}",
            $"{w.ReceivedLabel}: {(facts.ReceivedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : w.Unknown)}",
            $"{w.LanguageLabel}: {(facts.Language is null or LanguageDetector.Undetermined ? w.Unknown : facts.Language)}{(facts.LanguageUnread ? $" ({w.LanguageUnread})" : string.Empty)}",
        };
        if (facts.ContactPaused)
        {
            lines.Add(w.Paused);
        }

        lines.Add(w.Pointer);
        return lines;
    }

    /// <summary>
    /// A digest's lines: counts, since when, and as many receipts as fit the alert's length class (urgent
    /// first; "+N" for the rest), so a digest is the same size on a phone bill as any alert.
    /// </summary>
    private static List<string> DigestLines(DigestSummary digest, AlertWording w)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            w.DigestTitle,
            $"{w.ReportsLabel}: {digest.Reports.ToString(inv)} ({w.Urgent}: {digest.Urgent.ToString(inv)})",
            $"{w.SinceLabel}: {(digest.Since is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", inv) : w.Unknown)}",
            string.Empty,
            w.DigestNote,
            w.Pointer,
        };

        // Room for the receipts line: the length class of what is there, less a margin for "+N".
        var budget = TargetLength(string.Join('\n', lines)) - string.Join('\n', lines).Length - $"{w.ReceiptLabel}: ".Length - 8;
        var shown = new List<string>();
        foreach (var receipt in digest.Receipts)
        {
            var next = string.Join(", ", shown.Append(receipt));
            if (next.Length > budget)
            {
                break;
            }

            shown.Add(receipt);
        }

        var rest = digest.Receipts.Count - shown.Count;
        lines[3] = $"{w.ReceiptLabel}: {string.Join(", ", shown)}{(rest > 0 ? $" +{rest.ToString(inv)}" : string.Empty)}";
        return lines;
    }

    /// <summary>The SMS body: the lines, padded to the length class of their alphabet.</summary>
    public static string Sms(AlertFacts facts, AlertWording wording)
    {
        var lines = Lines(facts, wording);
        var text = string.Join('\n', lines);
        var padding = TargetLength(text) - text.Length;
        if (padding > 0)
        {
            lines[^2] += new string(' ', padding);
        }

        return string.Join('\n', lines);
    }

    /// <summary>The webhook/console text: the same lines, unpadded (a chat message's size is not on a phone bill).</summary>
    public static string Plain(AlertFacts facts, AlertWording wording) => string.Join('\n', Lines(facts, wording));

    public static int TargetLength(string text) => IsGsm7(text) ? GsmLength : Ucs2Length;

    public static bool IsGsm7(string text) => SmsSegments.IsGsm7(text);

    public static WebhookAlert Webhook(AlertFacts facts, AlertWording wording) => new(
        facts.Kind switch { AlertKind.Alert => "alert", AlertKind.Digest => "digest", AlertKind.MediaNotStored => "media-not-stored", _ => "undelivered" },
        facts.Urgency?.ToString().ToLowerInvariant(),
        facts.Channel?.ToString().ToLowerInvariant(),
        facts.Receipt,
        facts.ReceivedAt?.ToUniversalTime(),
        facts.Language,
        facts.ContactPaused,
        wording.Pointer,
        Plain(facts, wording))
    {
        Reports = facts.Digest?.Reports,
        Receipts = facts.Digest?.Receipts,
        LanguageUnread = facts.LanguageUnread ? true : null,
    };
}

/// <summary>The webhook body: the SMS's facts, plus <c>text</c> that Teams and Slack incoming webhooks display.</summary>
public sealed record WebhookAlert(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("urgency")] string? Urgency,
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("receipt")] string Receipt,
    [property: JsonPropertyName("receivedAt")] DateTimeOffset? ReceivedAt,
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("contactPaused")] bool ContactPaused,
    [property: JsonPropertyName("pointer")] string NextStep,
    [property: JsonPropertyName("text")] string Text)
{
    /// <summary>A digest's number of reports; absent on other alerts.</summary>
    [JsonPropertyName("reports")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Reports { get; init; }

    /// <summary>A digest's receipts, urgent first (all of them: a chat message has room); absent on other alerts.</summary>
    [JsonPropertyName("receipts")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Receipts { get; init; }

    /// <summary>True when no triage rules read the report's language (it was raised to high); absent otherwise.</summary>
    [JsonPropertyName("languageUnread")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? LanguageUnread { get; init; }
}
