using System.Globalization;
using Hotline.Cases;
using Hotline.Retention;
using Hotline.Sms;
using Hotline.Tips;
using Hotline.Triage;
using Spectre.Console;

namespace Hotline.Cli.Tips;

/// <summary>
/// How cases look on a terminal. Untrusted text goes through <see cref="TerminalText"/> and into plain Spectre text,
/// never markup: what a tipster (or a planted blob) wrote is quoted line by line, and a field inside one of the
/// tool's lines stays in it, so no line of theirs starts where the tool's lines start.
/// </summary>
internal static class CaseView
{
    public static Table List(IReadOnlyList<CaseRecord> cases, RetentionOptions retention)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var column in new[] { "receipt", "received (UTC)", "channel", "urgency", "language", "status", "messages", "contact", "expires" })
        {
            table.AddColumn(column);
        }

        foreach (var c in cases)
        {
            table.AddRow(
                new Spectre.Console.Text(c.Receipt),
                new Spectre.Console.Text(Time(c.ReceivedAt)),
                new Spectre.Console.Text(c.Channel == Channel.Sms ? "sms" : "web"),
                new Spectre.Console.Text(c.Urgency.ToString().ToLowerInvariant(), c.Urgency == Urgency.Urgent ? new Style(Color.Red, decoration: Decoration.Bold) : Style.Plain),
                new Spectre.Console.Text(c.Language),
                new Spectre.Console.Text(CaseRecord.StatusName(c.Status)),
                new Spectre.Console.Text(c.Messages.ToString(CultureInfo.InvariantCulture)),
                new Spectre.Console.Text(string.Join(' ', new[] { c.ContactPaused ? "PAUSED (STOP)" : null, c.UnreadAdditions > 0 ? $"{c.UnreadAdditions.ToString(CultureInfo.InvariantCulture)} NEW FROM TIPSTER" : null }.Where(t => t is not null))),
                new Spectre.Console.Text(Expiry(c, retention)));
        }

        return table;
    }

    public static void Show(CaseFile file, bool showNumber, RetentionOptions retention, Action<string> line)
    {
        var record = file.Record;
        var first = file.Messages.Count > 0 ? file.Messages[0] : null;
        line($"Case {file.Receipt}");
        line($"  status: {(record is null ? "(no case record)" : CaseRecord.StatusName(record.Status))}   urgency: {(record?.Urgency ?? first?.Urgency)?.ToString().ToLowerInvariant()}   channel: {(first?.Channel == Channel.Sms ? "sms" : "web")}   messages: {file.Messages.Count}");
        if (record is not null)
        {
            line($"  expires: {Expiry(record, retention)} (retention: closed {retention.ClosedDays} days, inactive {retention.InactiveDays} days, at most {retention.MaxDays} days; hotline tips keep holds it)");
        }
        if (CaseFiles.IsContactPaused(file))
        {
            line("  CONTACT PAUSED: the tipster texted STOP. Do not reply; the phone may be in someone else's hands.");
        }

        var web = first?.Channel != Channel.Sms;
        var index = 0;
        foreach (var message in file.Messages)
        {
            line(string.Empty);
            var sequence = message.Sms?.Sequence ?? ++index;
            line($"--- message {sequence} - {Time(message.ReceivedAt)} UTC - {message.Urgency.ToString().ToLowerInvariant()} - {TerminalText.Line(message.Language)}{(message.Sms?.Keyword is { } keyword ? " - keyword " + TerminalText.Line(keyword) : string.Empty)}");
            if (message.Sender is { } sender)
            {
                line($"from: {(showNumber ? TerminalText.Line(sender.Phone) : TerminalText.MaskPhone(sender.Phone))}");
            }

            line(string.Empty);
            Quoted(line, message.Message);
            Field(line, "location", message.Location);
            Field(line, "contact", message.Contact);
            Field(line, "category", message.Category);
            foreach (var expected in message.Sms?.Media ?? [])
            {
                line(MediaLine(expected, file.SettledMedia(sequence, expected.Index)));
            }

            // Reports stored before Hotline fetched media itself: the media is still at Twilio, behind its URL.
            foreach (var url in message.Sms?.MediaUrls ?? [])
            {
                line($"media at Twilio (stored before Hotline fetched media): {TerminalText.Line(url)}");
            }
        }

        foreach (var entry in file.Entries)
        {
            line(string.Empty);
            var kind = entry.Kind != CaseEntry.Reply ? "note" : web ? "answer for the tipster (web follow-up)" : "reply sent";
            line($"--- {kind} - {Time(entry.At)} UTC - {TerminalText.Line(entry.Responder)}");
            if (web && entry.Kind == CaseEntry.Reply)
            {
                // A date, no more: when the tipster last opened the conversation with their code.
                line(record?.TipsterReadAt is { } read && read >= entry.At ? $"read by the tipster since: last opened {Time(read)} UTC" : "not read by the tipster yet");
            }

            Quoted(line, entry.Text);
        }
    }

    /// <summary>One media item: what it is and whether Hotline holds it; <c>hotline tips media</c> writes out the stored ones.</summary>
    private static string MediaLine(MediaItem expected, MediaItem? settled)
    {
        var item = settled ?? expected;
        var what = TerminalText.Line(item.ContentType ?? "unknown type") + (item.Size is { } size ? $", {Size(size)}" : string.Empty);
        return $"media {expected.Index}: " + (settled?.State switch
        {
            MediaStates.Stored => $"{what}, sha256 {TerminalText.Line(item.Sha256 ?? "?")} (stored; hotline tips media writes it out)",
            MediaStates.Refused => $"{what} - REFUSED ({TerminalText.Line(item.Reason ?? "not allowed")}); it was not kept",
            MediaStates.Failed => $"{what} - NOT STORED ({TerminalText.Line(item.Reason ?? "fetching failed")}); it is still at Twilio",
            _ => $"{what} - being fetched from Twilio",
        });
    }

    private static string Size(long bytes) =>
        bytes < 1024 ? $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes"
        : bytes < 1024 * 1024 ? $"{(bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture)} KiB"
        : $"{(bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture)} MiB";

    /// <summary>A form field: its first line after the tool's label, any further line quoted.</summary>
    private static void Field(Action<string> line, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            var lines = TerminalText.Clean(value).Split('\n');
            line($"{name}: {lines[0]}");
            foreach (var more in lines[1..])
            {
                line(TerminalText.Quote + more);
            }
        }
    }

    private static void Quoted(Action<string> line, string? text)
    {
        foreach (var quoted in TerminalText.Quoted(text))
        {
            line(quoted);
        }
    }

    /// <summary>The day the case is deleted, and "held" when a hold (not the rules) sets it.</summary>
    private static string Expiry(CaseRecord record, RetentionOptions retention)
    {
        var at = CaseRetention.ExpiresAt(record, retention);
        var day = at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return record.HeldUntil is { } held && held >= at ? $"{day} (held)" : day;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
