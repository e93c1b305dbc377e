using System.Globalization;
using Hotline.Sms;
using Hotline.Text;
using Hotline.Triage;

namespace Hotline.Dispatch;

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

    /// <summary>The alert's lines, the fixed pointer last.</summary>
    /// <param name="sms">An SMS (or the console's copy of one): an alert that waits for an ACK says how to give one.
    /// A webhook's channel cannot answer, so its text does not.</param>
    public static List<string> Lines(AlertFacts facts, AlertWording w, bool sms = false)
    {
        var hint = sms && facts.AckHint
            ? facts.Kind == AlertKind.Digest ? w.AckHintDigest : string.Format(CultureInfo.InvariantCulture, w.AckHint, facts.Receipt)
            : null;
        if (facts.Kind == AlertKind.Digest)
        {
            var title = facts.Step is { } digestStep ? StepTitle(w, digestStep) : w.DigestTitle;
            return DigestLines(facts.Digest ?? new DigestSummary(0, 0, null, []), w, hint, title);
        }

        if (facts.Kind == AlertKind.Expiring)
        {
            var expiring = facts.Expiring ?? [];
            List<string> warning =
            [
                w.ExpiringTitle,
                string.Format(CultureInfo.InvariantCulture, w.ExpiringCount, expiring.Count),
                string.Empty,
                w.ExpiringKeep,
                w.Pointer,
            ];
            FitReceipts(warning, 2, expiring, w);
            return warning;
        }

        if (facts.Kind == AlertKind.Acknowledged)
        {
            return
            [
                w.AcknowledgedTitle,
                $"{w.ReceiptLabel}: {facts.Receipt}",
                $"{w.ByLabel}: {ShortName(facts.AcknowledgedBy)}",
                w.Pointer,
            ];
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
            $"{w.ChannelLabel}: {channel}{(facts.FollowUp ? ", " + w.FollowUp : string.Empty)}",
            $"{w.ReceiptLabel}: {facts.Receipt}",
            $"{w.ReceivedLabel}: {(facts.ReceivedAt is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : w.Unknown)}",
            $"{w.LanguageLabel}: {(facts.Language is null or LanguageDetector.Undetermined ? w.Unknown : facts.Language)}{(facts.LanguageUnread ? $" ({w.LanguageUnread})" : string.Empty)}",
        };
        if (facts.ContactPaused)
        {
            lines.Add(w.Paused);
        }

        if (facts.Step is { } step && facts.Kind == AlertKind.Alert)
        {
            lines[0] = StepTitle(w, step);
        }

        if (hint is not null)
        {
            lines.Add(hint);
        }

        lines.Add(w.Pointer);
        return lines;
    }

    private static string StepTitle(AlertWording w, int step) => string.Format(CultureInfo.InvariantCulture, w.EscalationTitle, step);

    /// <summary>Who acknowledged, as a phone shows it: the audit log's characters, at most 40 (a name, never a number's worth of text).</summary>
    private static string ShortName(string? name)
    {
        var clean = Cases.AuditLog.Clean(name ?? string.Empty);
        return clean.Length <= 40 ? clean : clean[..40];
    }

    /// <summary>
    /// A digest's lines: counts, since when, and as many receipts as fit the alert's length class (urgent
    /// first; "+N" for the rest), so a digest is the same size on a phone bill as any alert.
    /// </summary>
    private static List<string> DigestLines(DigestSummary digest, AlertWording w, string? hint, string title)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            title,
            $"{w.ReportsLabel}: {digest.Reports.ToString(inv)} ({w.Urgent}: {digest.Urgent.ToString(inv)})",
            $"{w.SinceLabel}: {(digest.Since is { } at ? at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", inv) : w.Unknown)}",
            string.Empty,
            w.DigestNote,
        };
        if (hint is not null)
        {
            lines.Add(hint);
        }

        lines.Add(w.Pointer);
        FitReceipts(lines, 3, digest.Receipts, w);
        return lines;
    }

    /// <summary>
    /// Sets line <paramref name="index"/> to as many receipts as fit the alert's length class ("+N" for the rest), so an
    /// alert that lists cases is the same size on a phone bill as any alert.
    /// </summary>
    private static void FitReceipts(List<string> lines, int index, IReadOnlyList<string> receipts, AlertWording w)
    {
        var inv = CultureInfo.InvariantCulture;

        // Room for the receipts line: the length class of what is there, less a margin for "+N".
        var budget = TargetLength(string.Join('\n', lines)) - string.Join('\n', lines).Length - $"{w.ReceiptLabel}: ".Length - 8;
        var shown = new List<string>();
        foreach (var receipt in receipts)
        {
            var next = string.Join(", ", shown.Append(receipt));
            if (next.Length > budget)
            {
                break;
            }

            shown.Add(receipt);
        }

        var rest = receipts.Count - shown.Count;
        lines[index] = $"{w.ReceiptLabel}: {string.Join(", ", shown)}{(rest > 0 ? $" +{rest.ToString(inv)}" : string.Empty)}";
    }

    /// <summary>The SMS body: the lines, padded to the length class of their alphabet.</summary>
    public static string Sms(AlertFacts facts, AlertWording wording)
    {
        var lines = Lines(facts, wording, sms: true);
        var text = string.Join('\n', lines);
        if (facts.AckHint && facts.Kind != AlertKind.Digest && text.Length > TargetLength(text))
        {
            // The longest facts leave no room for the case number twice: the hint without it ("ACK" alone acknowledges
            // the last alert sent to the phone, this one). Real receipts (14 characters) always fit.
            lines[^2] = string.Join(' ', string.Format(CultureInfo.InvariantCulture, wording.AckHint, string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries));
            text = string.Join('\n', lines);
        }

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
        facts.Kind switch { AlertKind.Alert => "alert", AlertKind.Digest => "digest", AlertKind.MediaNotStored => "media-not-stored", AlertKind.Acknowledged => "acknowledged", AlertKind.Expiring => "expiring", _ => "undelivered" },
        facts.Urgency?.ToString().ToLowerInvariant(),
        facts.Channel?.ToString().ToLowerInvariant(),
        facts.Receipt,
        facts.ReceivedAt?.ToUniversalTime(),
        facts.Language,
        facts.ContactPaused,
        wording.Pointer,
        Plain(facts, wording))
    {
        Reports = facts.Digest?.Reports ?? facts.Expiring?.Count,
        Receipts = facts.Digest?.Receipts ?? facts.Expiring,
        LanguageUnread = facts.LanguageUnread ? true : null,
        FollowUp = facts.FollowUp ? true : null,
        EscalationStep = facts.Step,
        AcknowledgedBy = facts.Kind == AlertKind.Acknowledged ? ShortName(facts.AcknowledgedBy) : null,
    };
}
