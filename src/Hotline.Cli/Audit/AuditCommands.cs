using System.CommandLine;
using System.Globalization;
using Hotline.Cases;
using Hotline.Cli.Tips;

namespace Hotline.Cli.Audit;

/// <summary><c>hotline audit ...</c>: read the audit log and check its chain (<see cref="AuditLog"/>). No key needed: the log holds no content.</summary>
internal static class AuditCommands
{
    public static Command Create(CliContext context)
    {
        var audit = new Command("audit", "Read the audit log (who did what to which case) and check that no line was changed.");
        audit.Subcommands.Add(Show(context));
        audit.Subcommands.Add(Verify(context));
        return audit;
    }

    private static Command Show(CliContext context)
    {
        var receipt = new Option<string>("--case") { Description = "Only this case's lines (its receipt, e.g. K7QF-2M9X-4TJD)" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Lines at or after (e.g. 2026-12-01; your time zone unless the value has an offset)" };
        var command = new Command("show", "Print the audit log's lines, oldest first: time (UTC), responder, action, case.") { receipt, since };
        command.SetAction(async (result, ct) =>
        {
            var only = result.GetValue(receipt) is { } text ? TipsCommands.Receipt(text).ToString() : null;
            var from = result.GetValue(since)?.ToUniversalTime();
            var shown = 0;
            await foreach (var entry in Log(context).ReadAsync(from, ct))
            {
                if ((only is not null && !string.Equals(entry.Receipt, only, StringComparison.Ordinal)) || (from is not null && entry.At < from))
                {
                    continue;
                }

                // Anyone who can write to storage can write to the log: its fields are shown as text, never as terminal codes.
                var at = entry.At?.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "(unreadable)";
                context.Out(string.Join("  ", at, TerminalText.Line(entry.Responder), TerminalText.Line(entry.Action), TerminalText.Line(entry.Receipt)));
                shown++;
            }

            context.Out(shown == 0 ? "No lines match." : $"{shown} line{(shown == 1 ? string.Empty : "s")}.");
            return 0;
        });
        return command;
    }

    private static Command Verify(CliContext context)
    {
        var head = new Option<string>("--head") { Description = "A head printed by an earlier verify: also check that the log still reaches it" };
        var command = new Command("verify", "Check every line's chain value; exit 1 with the first line that breaks it.") { head };
        command.SetAction(async (result, ct) =>
        {
            var kept = result.GetValue(head)?.Trim();
            var verification = await Log(context).VerifyAsync(kept, ct);
            if (verification.FirstBad is { } bad)
            {
                throw new CliException($"audit/{bad.Log} line {bad.Line}: {verification.Problem} ({verification.Lines - 1} lines before it are intact).");
            }

            if (verification.KeptHeadFound is false)
            {
                throw new CliException($"no line carries the head {TerminalText.Line(kept)}: the log was cut or rewritten after it (or the head was mistyped).");
            }

            var before = verification.Unchained > 0 ? $"; {verification.Unchained} written before the log was chained are not covered" : string.Empty;
            context.Out($"The audit log is intact: {verification.Lines} lines{before}.");
            if (verification.KeptHeadFound is true)
            {
                context.Out("The head you kept is on a line: nothing up to it was rewritten.");
            }

            context.Out($"Head: {verification.Head}");
            context.Out("Keep the head outside this storage account (a printout, a message): a later verify --head shows that nothing before it was rewritten.");
            return 0;
        });
        return command;
    }

    private static AuditLog Log(CliContext context) => new(context.Settings.Storage(), context.Host.Time);
}
