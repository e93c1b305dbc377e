using System.CommandLine;
using Hotline.Cases;
using Hotline.Cli.Keys;
using Hotline.Encryption;
using Hotline.Escalation;
using Hotline.Tips;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Hotline.Cli.Tips;

/// <summary><c>hotline tips ...</c>: thin commands over <see cref="CaseFiles"/>, where the case operations live.</summary>
internal static class TipsCommands
{
    public static Command Create(CliContext context)
    {
        var key = new Option<string>("--key") { Description = "Private key file (default Hotline__PrivateKeyPath); retired keys beside it are used too", Recursive = true };
        var responder = new Option<string>("--as") { Description = "Your name for the audit log (default Hotline__ResponderName, else your login)", Recursive = true };
        var vault = new Option<string>("--key-vault") { Description = "Read the private key from this Key Vault (default Hotline__PrivateKeyVaultUri)", Recursive = true };
        var secret = new Option<string>("--secret") { Description = "The private key's secret name (default Hotline__PrivateKeySecretName)", Recursive = true };
        var tips = new Command("tips", "Read, answer and manage reports.") { key, responder, vault, secret };
        var keys = new KeyOptions(key, vault, secret);
        tips.Subcommands.Add(List(context));
        tips.Subcommands.Add(Show(context, keys));
        tips.Subcommands.Add(Reply(context, keys, responder));
        tips.Subcommands.Add(Note(context, keys, responder));
        tips.Subcommands.Add(Status(context, responder));
        tips.Subcommands.Add(Export(context, keys, responder));
        tips.Subcommands.Add(Media(context, keys, responder));
        tips.Subcommands.Add(Keep(context, keys, responder));
        tips.Subcommands.Add(Purge(context, responder));
        tips.Subcommands.Add(Ack(context, responder));
        return tips;
    }

    private static Argument<string> ReceiptArgument() => new("receipt") { Description = "The case's receipt, e.g. K7QF-2M9X-4TJD" };

    private static Command List(CliContext context)
    {
        var status = new Option<string>("--status") { Description = "new, in-progress, referred or closed" };
        var urgency = new Option<string>("--urgency") { Description = "normal, high or urgent" };
        var channel = new Option<string>("--channel") { Description = "web or sms" };
        var since = new Option<DateTimeOffset?>("--since") { Description = "Received at or after (e.g. 2026-12-01; your time zone unless the value has an offset)" };
        var until = new Option<DateTimeOffset?>("--until") { Description = "Received before" };
        var top = new Option<int>("--top") { Description = "How many (default 50)", DefaultValueFactory = _ => 50 };
        var next = new Option<string>("--continue") { Description = "The token the previous page printed" };
        var command = new Command("list", "Cases, newest first. Nothing is decrypted: no key needed.") { status, urgency, channel, since, until, top, next };
        command.SetAction(async (result, ct) =>
        {
            var query = new CaseQuery(
                Parse(result.GetValue(status), "--status", (string s, out CaseStatus v) => CaseRecord.TryParseStatus(s, out v)),
                Parse(result.GetValue(urgency), "--urgency", (string s, out Urgency v) => Enum.TryParse(s, true, out v) && Enum.IsDefined(v)),
                Parse(result.GetValue(channel), "--channel", (string s, out Channel v) => Enum.TryParse(s, true, out v) && Enum.IsDefined(v)),
                Utc(result.GetValue(since)),
                Utc(result.GetValue(until)),
                result.GetValue(top) is > 0 and var n ? n : throw new CliException("--top must be 1 or more."),
                result.GetValue(next));
            var page = await Files(context, keys: []).ListAsync(query, ct);
            if (page.Matched == 0)
            {
                context.Out("No cases match.");
                return 0;
            }

            context.Console.Write(CaseView.List(page.Cases, context.Settings.Retention()));
            context.Out($"{page.Cases.Count} of {page.Matched} shown.{(page.Continuation is { } token ? $" Next page: hotline tips list --continue {token} (same filters)" : string.Empty)}");
            return 0;
        });
        return command;
    }

    private static Command Show(CliContext context, KeyOptions keys)
    {
        var receipt = ReceiptArgument();
        var showNumber = new Option<bool>("--show-number") { Description = "Print the tipster's number in full (masked by default)" };
        var command = new Command("show", "Decrypt and print a case: every message, notes and replies.") { receipt, showNumber };
        command.SetAction(async (result, ct) =>
        {
            var files = Files(context, await KeysAsync(context, result, keys, ct));
            var id = Receipt(result.GetValue(receipt));
            var file = await files.ReadAsync(id, ct);
            CaseView.Show(file, result.GetValue(showNumber), context.Settings.Retention(), context.Out);

            // What was shown is seen: tips list counts the tipster's additions from here.
            await files.MarkSeenAsync(id, file.Messages.Count, ct);
            return 0;
        });
        return command;
    }

    private static Command Reply(CliContext context, KeyOptions keys, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var text = new Argument<string>("text") { Description = "What the tipster will read (SMS: on their phone; web: with their follow-up code)" };
        var force = new Option<bool>("--force") { Description = "Send although the tipster texted STOP (asks you to type the receipt)" };
        var command = new Command("reply", "Answer a case: an SMS case from the hotline number (Twilio); a web case is sent nowhere, the tipster reads it with their follow-up code. Stored encrypted in the case.") { receipt, text, force };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            var files = Files(context, await KeysAsync(context, result, keys, ct));
            var forced = result.GetValue(force);
            if (forced && !context.Confirm($"{id}: the tipster asked not to be contacted, and the phone may be in someone else's hands.", id.ToString(), yes: false))
            {
                throw new CliException("not confirmed; nothing was sent.");
            }

            // Twilio's settings are checked only once there is a number to send to: a web case says so first.
            TwilioSender? twilio = null;
            try
            {
                var sid = await files.ReplyAsync(id, result.GetValue(text)!, context.Settings.Responder(result.GetValue(responder)), forced, (to, body, c) => (twilio ??= Twilio(context)).SendAsync(to, body, c), ct);
                if (sid is null)
                {
                    context.Out($"Stored for the tipster of {id}: nothing is sent; they read it when they come back with their follow-up code (tips show says when). Stored encrypted in the case.");
                    return 0;
                }

                context.Out($"Sent to the tipster of {id} (Twilio {sid}); stored encrypted in the case.");
                if (twilio?.StatusCallbackUrl is null)
                {
                    context.Error("warning: Twilio keeps its copy of this reply (text and number): set Twilio__WebhookBaseUrl to the app's public address, and Hotline deletes the copy once the reply is delivered.");
                }
                else if (twilio.NotRecorded is { } error)
                {
                    context.Error($"warning: Twilio keeps its copy of this reply (text and number): recording it as Hotline's failed ({error}), so the app will not delete it. Delete it in Twilio's console (Monitor, Messaging logs).");
                }
            }
            finally
            {
                twilio?.Dispose();
            }

            return 0;
        });
        return command;
    }

    private static Command Note(CliContext context, KeyOptions keys, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var text = new Argument<string>("text") { Description = "The note (stored encrypted; responders only)" };
        var command = new Command("note", "Add an internal note to a case, encrypted.") { receipt, text };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            await Files(context, await KeysAsync(context, result, keys, ct)).AddNoteAsync(id, result.GetValue(text)!, context.Settings.Responder(result.GetValue(responder)), ct);
            context.Out($"Note added to {id}.");
            return 0;
        });
        return command;
    }

    private static Command Status(CliContext context, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var status = new Argument<string>("status") { Description = "new, in-progress, referred or closed" };
        status.AcceptOnlyFromAmong("new", "in-progress", "referred", "closed");
        var command = new Command("status", "Set a case's status.") { receipt, status };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            if (!CaseRecord.TryParseStatus(result.GetValue(status), out var value))
            {
                throw new CliException("the status is one of new, in-progress, referred, closed.");
            }

            await Files(context, keys: []).SetStatusAsync(id, value, context.Settings.Responder(result.GetValue(responder)), ct);
            context.Out($"{id} is now {CaseRecord.StatusName(value)}.");
            return 0;
        });
        return command;
    }

    private static Command Keep(CliContext context, KeyOptions keys, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var until = new Option<DateTimeOffset?>("--until") { Description = "Keep it until this date at least (e.g. 2027-06-30; a legal hold, an investigation)" };
        var reason = new Option<string>("--reason") { Description = "Why (stored encrypted in the case, as a note)" };
        var release = new Option<bool>("--release") { Description = "End the hold: retention applies again" };
        var command = new Command("keep", "Hold a case past retention (--until and --reason), or end a hold (--release); audited.") { receipt, until, reason, release };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            var who = context.Settings.Responder(result.GetValue(responder));
            var retention = context.Settings.Retention();
            var records = Files(context, keys: []);
            if (result.GetValue(release))
            {
                if (result.GetValue(until) is not null || result.GetValue(reason) is not null)
                {
                    throw new CliException("--release ends a hold: give it alone, without --until or --reason.");
                }

                await records.ReleaseAsync(id, who, ct);
                context.Out($"{id} is no longer held: it expires {Day(Hotline.Retention.CaseRetention.ExpiresAt(await records.RecordAsync(id, ct), retention))} by the retention settings.");
                return 0;
            }

            if (result.GetValue(until) is not { } day || string.IsNullOrWhiteSpace(result.GetValue(reason)))
            {
                throw new CliException("a hold needs --until <date> and --reason \"<text>\" (or --release to end one).");
            }

            // The day as typed: a hold "until 2027-06-30" lasts through that day (UTC).
            var lastDay = DateOnly.FromDateTime(day.DateTime);
            var backstop = Hotline.Retention.CaseRetention.BackstopAt(await records.RecordAsync(id, ct), retention);
            if (lastDay >= DateOnly.FromDateTime(backstop.UtcDateTime))
            {
                throw new CliException($"the storage lifecycle rule deletes {id} on {Day(backstop)}, hold or not ({retention.MaxDays} days after its first message, and {Hotline.Retention.RetentionOptions.BackstopMarginDays} more): hold it until an earlier day, or raise Hotline__Retention__MaxDays and infra's retentionMaxDays first.");
            }

            await Files(context, await KeysAsync(context, result, keys, ct)).KeepAsync(id, lastDay, result.GetValue(reason)!, who, ct);
            context.Out($"{id} is held until {day:yyyy-MM-dd} (it does not expire before); the reason is stored encrypted in the case.");
            return 0;
        });
        return command;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static Command Export(CliContext context, KeyOptions keys, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var output = new Option<string>("--out") { Description = "The JSON file to write (readable by you only)", Required = true };
        var command = new Command("export", "Write the decrypted case as JSON, for a referral.") { receipt, output };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            var path = context.Path(result.GetValue(output)!);
            if (File.Exists(path))
            {
                throw new CliException($"{path} exists; choose another file (nothing was written).");
            }

            var json = await Files(context, await KeysAsync(context, result, keys, ct)).ExportAsync(id, context.Settings.Responder(result.GetValue(responder)), ct);
            Keyring.WritePrivate(path, json);
            context.Out($"Wrote {path}.");
            context.Error($"warning: {path} is the case in plaintext, the tipster's number included. Share it only as the referral needs, and delete it after.");
            return 0;
        });
        return command;
    }

    private static Command Media(CliContext context, KeyOptions keys, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var output = new Option<string>("--out") { Description = "The directory to write into (created readable by you only)", Required = true };
        var command = new Command("media", "Write the photos, voice notes and files a case's messages brought, decrypted and checked.") { receipt, output };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            var directory = context.Path(result.GetValue(output)!);
            var files = Files(context, await KeysAsync(context, result, keys, ct));
            var media = await files.ReadMediaAsync(id, context.Settings.Responder(result.GetValue(responder)), ct);
            if (media.Count == 0)
            {
                context.Out($"{id} holds no stored media (tips show says what its messages brought).");
                return 0;
            }

            var paths = media.Select(m => Path.Combine(directory, MediaFileName(id, m))).ToList();
            if (paths.Distinct(StringComparer.Ordinal).Count() != paths.Count)
            {
                // The case reader refuses two items of one name; this holds docs/responders.md's "nothing written" for any other way to one.
                throw new CliException($"two media items of {id} have one file name: its media records may have been altered (nothing was written).");
            }

            if (paths.FirstOrDefault(File.Exists) is { } taken)
            {
                throw new CliException($"{taken} exists; choose another directory (nothing was written).");
            }

            Keyring.CreatePrivateDirectory(directory);
            foreach (var (file, path) in media.Zip(paths))
            {
                Keyring.WritePrivate(path, file.Content.Span);
                context.Out($"Wrote {path} ({TerminalText.Line(file.Item.ContentType)}, {file.Content.Length} bytes, sha256 checked).");
            }

            context.Error($"warning: {directory} holds the case's media in plaintext. Share it only as the referral needs, and delete it after.");
            return 0;
        });
        return command;
    }

    /// <summary><c>K7QF-2M9X-4TJD-m2-1.jpg</c>: the case, the message, the item, and an extension from its type (never from the sender).</summary>
    private static string MediaFileName(TipId id, MediaFile file) =>
        $"{id}-m{file.Sequence}-{file.Item.Index}{Extension(file.Item.ContentType)}";

    private static string Extension(string? contentType) => contentType switch
    {
        "image/jpeg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "image/heic" => ".heic",
        "audio/amr" => ".amr",
        "audio/mpeg" => ".mp3",
        "audio/ogg" => ".ogg",
        "audio/mp4" => ".m4a",
        "video/mp4" => ".mp4",
        "video/3gpp" => ".3gp",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };

    private static Command Purge(CliContext context, Option<string> responder)
    {
        var receipt = new Argument<string>("receipt") { Description = "The case to delete", Arity = ArgumentArity.ZeroOrOne };
        var closedBefore = new Option<DateTimeOffset?>("--closed-before") { Description = "Every closed case whose last message is older than this date" };
        var yes = new Option<bool>("--yes") { Description = "Do not ask for confirmation" };
        var command = new Command("purge", "Delete every blob of a case (report, messages, notes, replies, records).") { receipt, closedBefore, yes };
        command.SetAction(async (result, ct) =>
        {
            var files = Files(context, keys: []);
            var who = context.Settings.Responder(result.GetValue(responder));
            if (result.GetValue(receipt) is { } one)
            {
                var id = Receipt(one);
                if (!context.Confirm($"This deletes case {id} for good (after the storage account's soft-delete days).", id.ToString(), result.GetValue(yes)))
                {
                    throw new CliException("not confirmed; nothing was deleted.");
                }

                var deleted = await files.PurgeAsync(id, who, ct);
                context.Out($"Purged {id}: {deleted} blobs deleted.");
                return 0;
            }

            if (Utc(result.GetValue(closedBefore)) is not { } before)
            {
                throw new CliException("give a receipt, or --closed-before DATE.");
            }

            var closed = await files.ClosedBeforeAsync(before, ct);
            if (closed.Count == 0)
            {
                context.Out("No closed case is that old.");
                return 0;
            }

            if (!context.Confirm($"This deletes {closed.Count} closed cases for good.", closed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), result.GetValue(yes)))
            {
                throw new CliException("not confirmed; nothing was deleted.");
            }

            var total = 0;
            await context.Console.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask("purging", maxValue: closed.Count);
                foreach (var record in closed)
                {
                    total += await files.PurgeAsync(Receipt(record.Receipt), who, ct);
                    task.Increment(1);
                }
            });
            context.Out($"Purged {closed.Count} cases: {total} blobs deleted.");
            return 0;
        });
        return command;
    }

    private static Command Ack(CliContext context, Option<string> responder)
    {
        var receipt = ReceiptArgument();
        var wait = new Option<int>("--wait") { Description = "Seconds to wait for the app's answer (default 30)", DefaultValueFactory = _ => 30 };
        var command = new Command("ack", "Acknowledge an urgent alert: its escalation stops, and the others paged are told who took it.") { receipt, wait };
        command.SetAction(async (result, ct) =>
        {
            var id = Receipt(result.GetValue(receipt));
            var patience = result.GetValue(wait) is >= 1 and <= 600 and var seconds ? TimeSpan.FromSeconds(seconds) : throw new CliException("--wait is 1 to 600 seconds.");
            var storage = context.Settings.Storage();
            if (await new CaseStore(storage).GetAsync(id, ct) is null)
            {
                throw new CliException($"no case {id}.");
            }

            // Queued, not recorded here: the escalation records are sealed under the pepper, which the tool never holds.
            var acks = new ToolAcknowledgements(storage);
            var token = await acks.QueueAsync(id.ToString(), context.Settings.Responder(result.GetValue(responder)), ct);
            var answer = await acks.WaitForAnswerAsync(token, patience, context.Host.Time, ct)
                ?? throw new CliException($"the acknowledgement of {id} is queued, but the app did not take it within {(int)patience.TotalSeconds} s: it stops the escalation when it does. Check that the app is running.");
            switch (answer.Outcome)
            {
                case AckOutcome.Acknowledged:
                    context.Out($"Acknowledged: {TerminalText.Line(answer.Shown ?? id.ToString())}. Escalation stopped; the others are told.");
                    return 0;
                case AckOutcome.AlreadyAcknowledged:
                    throw new CliException($"{TerminalText.Line(answer.Shown ?? id.ToString())} was already acknowledged by {TerminalText.Line(answer.By ?? "someone")}.");
                default:
                    throw new CliException($"no alert of {id} waits for an acknowledgement (it was not urgent enough to escalate, or its alert is not sent yet).");
            }
        });
        return command;
    }

    private delegate bool TryParser<T>(string text, out T value);

    private static T? Parse<T>(string? text, string option, TryParser<T> parse)
        where T : struct =>
        text is null ? null : parse(text, out var value) ? value : throw new CliException($"{option} {text} is not one of the values 'hotline tips list --help' shows.");

    private static DateTimeOffset? Utc(DateTimeOffset? value) => value?.ToUniversalTime();

    internal static TipId Receipt(string? text) =>
        TipId.TryParse(text, out var id) ? id.Value : throw new CliException($"'{text}' is not a receipt (it looks like K7QF-2M9X-4TJD).");

    private static CaseFiles Files(CliContext context, IReadOnlyList<RsaKeyEncryptionKey> keys) =>
        new(context.Settings.Storage(), keys, context.Host.Time);

    private static async Task<List<RsaKeyEncryptionKey>> KeysAsync(CliContext context, ParseResult result, KeyOptions keys, CancellationToken cancellationToken) =>
        Keyring.VaultOf(context.Settings, result.GetValue(keys.Vault), result.GetValue(keys.Secret)) is { } where
            ? await Keyring.LoadAsync(context.Settings, where, cancellationToken)
            : Keyring.Load(context.Settings, result.GetValue(keys.File));

    /// <summary>Where the private key comes from: a file (--key), or a Key Vault secret (--key-vault and --secret).</summary>
    private sealed record KeyOptions(Option<string> File, Option<string> Vault, Option<string> Secret);

    private static TwilioSender Twilio(CliContext context)
    {
        var configuration = context.Settings.Configuration;
        if (string.IsNullOrWhiteSpace(configuration["Twilio:AccountSid"]))
        {
            throw new CliException("Twilio is not configured (Twilio__AccountSid, __AuthToken, __PhoneNumber): replies go out from the hotline number.");
        }

        var services = new ServiceCollection();
        services.AddTwilioSms(configuration);
        var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<TwilioOptions>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            provider.Dispose();
            throw new CliException(ex.Message, ex);
        }

        return new TwilioSender(provider, context.Settings.Storage());
    }

    /// <summary>
    /// Sends through Hotline's Twilio client (Twilio's library, paced and retried as alerts are), and records each reply
    /// as Hotline's (<see cref="SentMessages"/>): the app acts on a status callback only for a message recorded so.
    /// </summary>
    private sealed class TwilioSender(ServiceProvider provider, Hotline.Storage.HotlineStorage storage) : IDisposable
    {
        private TwilioOptions Options => provider.GetRequiredService<IOptions<TwilioOptions>>().Value;

        /// <summary>Where Twilio reports the reply's fate, so the app deletes Twilio's copy; null when not configured.</summary>
        public Uri? StatusCallbackUrl => Options.StatusCallbackUrl;

        /// <summary>Why the last reply sent could not be recorded as Hotline's (an error type), or null.</summary>
        public string? NotRecorded { get; private set; }

        public async Task<string> SendAsync(string to, string body, CancellationToken cancellationToken)
        {
            var result = await provider.GetRequiredService<TwilioSmsClient>().SendSmsAsync(to, body, urgent: true, cancellationToken);
            if (!result.Succeeded)
            {
                throw new CliException($"Twilio refused the reply (HTTP {(int)result.Status}, error {result.ErrorCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}); nothing was stored.");
            }

            if (result.MessageSid is { } sid && StatusCallbackUrl is not null)
            {
                try
                {
                    // The reply is out: whatever happens here, it must still be stored in the case.
                    await SentMessages.ForResponderTool(storage, Options.AuthToken!).RecordAsync(sid, about: null, CancellationToken.None);
                }
                catch (Exception ex)
                {
                    NotRecorded = ex.GetType().Name;
                }
            }

            return result.MessageSid ?? "(no id)";
        }

        public void Dispose() => provider.Dispose();
    }
}
