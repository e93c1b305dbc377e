using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hotline.Cases;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Sms;

/// <summary>
/// SMS intake on top of the shared pipeline. Messages from one number (by its pseudonym) within
/// <see cref="HotlineOptions.ConversationWindow"/> form one case: the first is <c>{TIPID}/report</c> and
/// pages responders; later ones are <c>{TIPID}/message-0002</c>, ... and page again only when the
/// urgency rises or the tipster pauses contact. A Twilio retry of the same MessageSid stores
/// nothing twice and gets the same answer.
/// </summary>
public sealed partial class SmsIntake(
    TipIntake intake,
    IntakeState state,
    ReportStore reports,
    ITipIdSource ids,
    PhonePseudonym pseudonyms,
    MediaJobs mediaJobs,
    TimeProvider time,
    IOptions<HotlineOptions> options,
    ILogger<SmsIntake> logger)
{
    private const int MaxPointerAttempts = 8;
    private const int MaxIdDraws = 5;

    // Twilio retries within minutes; a tipster sends a handful of messages in that time.
    private const int MaxRecentMessages = 16;

    /// <summary>
    /// How long after the LANG menu was sent a lone number is taken as the answer to it (if it is the next message).
    /// People answer a menu at once; later, "12" is more likely how many people than a language.
    /// </summary>
    public static readonly TimeSpan MenuAnswerWindow = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Stores one SMS in its case. A message with media is always stored (a keyword that brought a photo with no
    /// case to join opens one, as a report). Null for a keyword without media that has no case to go to: STOP/START
    /// from a number with no case yet (nothing is stored, but the number stays paused, so a case it opens later
    /// tells responders not to reply), or LANG with no open case.
    /// </summary>
    /// <remarks>
    /// The conversation pointer is the commit point: one conditional write both allocates the
    /// message's place in its case and remembers which MessageSid took it. The
    /// <c>sms-messages/</c> record written next is only an index for retries that come after the
    /// pointer has moved on. So a request that fails after the commit (503), or a Twilio retry that
    /// overlaps the first delivery, finds the same place and finishes the same work: the report blob
    /// and its alert are never skipped, and nothing is stored twice.
    /// </remarks>
    public async Task<SmsReceipt?> ReceiveAsync(InboundSms sms, SmsKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var pseudonym = pseudonyms.Of(sms.From);
        var sidHash = state.Hash(sms.MessageSid);
        var recordName = "sms-messages/" + sidHash;

        // The MessageSid record and the conversation pointer are read at once: a new message (nearly every
        // one) needs both, and a pointer read early is only a pointer read early: it is committed under its
        // ETag, so if anything moved meanwhile the save fails and the loop reads it again.
        var recordRead = Call(() => state.GetAsync(recordName, cancellationToken), cancellationToken);
        var pointerRead = Call(() => state.GetAsync(PointerName(pseudonym), cancellationToken), cancellationToken);
        await Task.WhenAll(recordRead, pointerRead).ConfigureAwait(false);
        var (existing, _) = await recordRead.ConfigureAwait(false);
        if (existing is not null)
        {
            var record = ReadRecord(existing);
            Log.Redelivered(logger, record.TipId, record.Sequence);
            return await CompleteAsync(sms, kind, pseudonym, record, duplicate: true, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var assessment = UrgencyClassifier.Assess(sms.Body);
        var urgency = assessment.Urgency;
        var unread = (kind == SmsKind.Message || sms.Media.Count > 0) && !assessment.LanguageRead ? true : (bool?)null;
        var detected = assessment.Language;
        for (var attempt = 1; attempt <= MaxPointerAttempts; attempt++)
        {
            var (data, etag) = attempt == 1
                ? await pointerRead.ConfigureAwait(false)
                : await Call(() => state.GetAsync(PointerName(pseudonym), cancellationToken), cancellationToken).ConfigureAwait(false);
            var pointer = ReadPointer(data);
            if (pointer?.Recent?.FirstOrDefault(r => r.MessageSidHash == sidHash) is { } committed)
            {
                // An earlier delivery of this MessageSid committed its place and did not finish (or is finishing now).
                Log.Redelivered(logger, committed.Record.TipId, committed.Record.Sequence);
                return await IndexAndCompleteAsync(sms, kind, pseudonym, recordName, committed.Record, duplicate: true, cancellationToken).ConfigureAwait(false);
            }

            var record = await NextRecordAsync(pointer, kind, sms.Media.Count > 0, urgency, unread, detected, now, cancellationToken).ConfigureAwait(false);

            var updated = Advance(pointer, record, kind, sms.Media.Count > 0, detected, now, sidHash);
            if (!await Call(() => state.TrySaveAsync(PointerName(pseudonym), Write(updated, StoredJsonContext.Default.ConversationPointer), etag, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                continue; // another message of this number moved the case on: read it again
            }

            return record is null ? null : await IndexAndCompleteAsync(sms, kind, pseudonym, recordName, record, duplicate: false, cancellationToken).ConfigureAwait(false);
        }

        throw new IntakeUnavailableException("The conversation kept changing; try again.");
    }

    /// <summary>The language a number chose (LANG) or its case was detected in; null if none yet.</summary>
    /// <remarks>Storage failing is no reason to leave a HELP unanswered: then null (English).</remarks>
    public async Task<string?> GetLanguageAsync(string from, CancellationToken cancellationToken = default)
    {
        try
        {
            var (data, _) = await Call(() => state.GetAsync(PointerName(pseudonyms.Of(from)), cancellationToken), cancellationToken).ConfigureAwait(false);
            return ReadPointer(data)?.Language;
        }
        catch (IntakeUnavailableException ex)
        {
            Log.LanguageUnavailable(logger, ex.InnerException?.GetType().Name ?? ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// True when <paramref name="sms"/> (a lone number) answers the LANG menu: it is the next message after the menu
    /// was sent to that number, within <see cref="MenuAnswerWindow"/>, or it is the answer already taken (a retry).
    /// </summary>
    public async Task<bool> IsMenuAnswerAsync(InboundSms sms, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var (data, _) = await Call(() => state.GetAsync(PointerName(pseudonyms.Of(sms.From)), cancellationToken), cancellationToken).ConfigureAwait(false);
        return ReadPointer(data) is { } pointer
            && (pointer.MenuAnswer == state.Hash(sms.MessageSid)
                || (pointer.MenuSentAt is { } sentAt && time.GetUtcNow() - sentAt <= MenuAnswerWindow));
    }

    /// <summary>Remembers that the LANG menu was just sent to <paramref name="from"/>: its next message may answer it.</summary>
    public Task MenuSentAsync(string from, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(from);
        var now = time.GetUtcNow();
        return UpdatePointerAsync(from, p => p with { MenuSentAt = now }, new ConversationPointer(null, 0, now, null, Urgency.Normal, false, MenuSentAt: now), cancellationToken);
    }

    /// <summary>
    /// Remembers the language a number chose with <paramref name="sms"/> (LANG or a menu answer), for this and later
    /// cases; the menu is answered, so a lone number after this is a message again.
    /// </summary>
    public Task SetLanguageAsync(InboundSms sms, string language, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        var answer = state.Hash(sms.MessageSid);
        return UpdatePointerAsync(
            sms.From,
            p => p with { Language = language, MenuSentAt = null, MenuAnswer = answer },
            new ConversationPointer(null, 0, time.GetUtcNow(), language, Urgency.Normal, false, MenuAnswer: answer),
            cancellationToken);
    }

    private async Task UpdatePointerAsync(string from, Func<ConversationPointer, ConversationPointer> change, ConversationPointer fresh, CancellationToken cancellationToken)
    {
        var name = PointerName(pseudonyms.Of(from));
        for (var attempt = 1; attempt <= MaxPointerAttempts; attempt++)
        {
            var (data, etag) = await Call(() => state.GetAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
            var pointer = ReadPointer(data) is { } current ? change(current) : fresh;
            if (await Call(() => state.TrySaveAsync(name, Write(pointer, StoredJsonContext.Default.ConversationPointer), etag, cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new IntakeUnavailableException("The conversation kept changing; try again.");
    }

    private async Task<MessageRecord?> NextRecordAsync(ConversationPointer? pointer, SmsKind kind, bool carriesMedia, Urgency urgency, bool? languageUnread, string detected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var language = pointer?.Language ?? detected;
        var open = pointer?.TipId is not null && now - pointer.LastAt <= options.Value.ConversationWindow;
        switch (kind)
        {
            case SmsKind.Message when open:
            case SmsKind.Lang when open && carriesMedia:
                // A later message pages again only if it raises the urgency.
                return new MessageRecord(pointer!.TipId!, pointer.Sequence + 1, urgency, language, urgency > pointer.MaxUrgency, pointer.ContactPaused ? true : null, now, false, languageUnread);
            case SmsKind.Lang when open:
                // "12" or "LANG 5" in a conversation may be part of the report: kept in the case, paging no one.
                return new MessageRecord(pointer!.TipId!, pointer.Sequence + 1, pointer.MaxUrgency, language, false, pointer.ContactPaused ? true : null, now, false);
            case SmsKind.Stop or SmsKind.Start when pointer?.TipId is not null:
                // STOP reaches the case however old it is: responders must know not to reply. Tell them once.
                var alert = kind == SmsKind.Stop && !pointer.ContactPaused;
                return new MessageRecord(pointer.TipId, pointer.Sequence + 1, pointer.MaxUrgency, language, alert, kind == SmsKind.Stop ? true : null, now, false);
            case SmsKind.Message:
            case not SmsKind.Message when carriesMedia:
                // Twilio keeps blocking replies to a number that texted STOP until it texts START, whatever the case.
                // A keyword that brought a photo and has no case to go to opens one: the photo is a report.
                var paused = kind switch { SmsKind.Stop => true, SmsKind.Start => false, _ => pointer?.ContactPaused == true };
                var id = await FreeIdAsync(cancellationToken).ConfigureAwait(false);
                return new MessageRecord(id.ToString(), 1, urgency, language, true, paused ? true : null, now, true, languageUnread);
            default:
                return null;
        }
    }

    /// <summary>
    /// A tip id no report has yet. Checked before the case is committed because only then can another id
    /// be drawn: afterwards the pointer gives the message that name, and a name another report took in
    /// between (the blob's mark tells it from this message's own write) leaves the message unstored,
    /// answered 503 and kept at Twilio, never answered "received" with another report in its place.
    /// </summary>
    private async Task<TipId> FreeIdAsync(CancellationToken cancellationToken)
    {
        for (var draw = 1; draw <= MaxIdDraws; draw++)
        {
            var id = ids.Draw();
            if (!await Call(() => reports.ExistsAsync(ReportStore.ReportBlobName(id), cancellationToken), cancellationToken).ConfigureAwait(false))
            {
                return id;
            }

            Log.IdCollision(logger, draw);
        }

        throw new IntakeUnavailableException("Could not draw a free tip id.");
    }

    /// <summary>The pointer after <paramref name="record"/> (or, for a keyword with no case, after the keyword alone).</summary>
    /// <remarks>
    /// Only a LANG message leaves the menu as it was (it is answered, or sent again, right after): any other message
    /// means a lone number after it is no answer to the menu.
    /// </remarks>
    private static ConversationPointer Advance(ConversationPointer? pointer, MessageRecord? record, SmsKind kind, bool carriesMedia, string detected, DateTimeOffset now, string sidHash)
    {
        var paused = kind switch { SmsKind.Stop => true, SmsKind.Start => false, _ => pointer?.ContactPaused == true };
        var menuSentAt = kind == SmsKind.Lang ? pointer?.MenuSentAt : null;
        if (record is null)
        {
            return pointer is null
                ? new ConversationPointer(null, 0, now, null, Urgency.Normal, paused)
                : pointer with { ContactPaused = paused, MenuSentAt = menuSentAt };
        }

        var sameCase = pointer?.TipId == record.TipId;
        var recent = (pointer?.Recent ?? []).Append(new CommittedMessage(sidHash, record)).TakeLast(MaxRecentMessages).ToList();
        return new ConversationPointer(
            record.TipId,
            record.Sequence,
            record.NewCase || kind == SmsKind.Message || (kind == SmsKind.Lang && carriesMedia) ? now : pointer!.LastAt,
            pointer?.Language ?? (detected == LanguageDetector.Undetermined ? null : detected),
            (Urgency)Math.Max((int)(sameCase ? pointer!.MaxUrgency : Urgency.Normal), (int)record.Urgency),
            paused,
            recent,
            menuSentAt,
            pointer?.MenuAnswer);
    }

    private async Task<SmsReceipt> IndexAndCompleteAsync(InboundSms sms, SmsKind kind, string pseudonym, string recordName, MessageRecord record, bool duplicate, CancellationToken cancellationToken)
    {
        // Both deliveries of one MessageSid write the same record: whichever comes first, they agree.
        await Call(() => state.ClaimRecordAsync(recordName, Write(record, StoredJsonContext.Default.MessageRecord), cancellationToken), cancellationToken).ConfigureAwait(false);
        return await CompleteAsync(sms, kind, pseudonym, record, duplicate, cancellationToken).ConfigureAwait(false);
    }

    private async Task<SmsReceipt> CompleteAsync(InboundSms sms, SmsKind kind, string pseudonym, MessageRecord record, bool duplicate, CancellationToken cancellationToken)
    {
        if (!TipId.TryParse(record.TipId, out var tipId))
        {
            throw new InvalidDataException("An SMS record holds no tip id.");
        }

        var detected = LanguageDetector.Detect(sms.Body);
        var envelope = new TipReport
        {
            TipId = tipId.Value.ToString(),
            Channel = Channel.Sms,
            ReceivedAt = record.ReceivedAt,
            Language = detected == LanguageDetector.Undetermined ? record.Language : detected,
            Urgency = kind == SmsKind.Message ? UrgencyClassifier.Classify(sms.Body) : record.Urgency,
            Message = sms.Body,
            Sender = new SmsSender(PhonePseudonym.Normalize(sms.From), pseudonym),
            Sms = new SmsDetails
            {
                MessageSid = sms.MessageSid,
                Sequence = record.Sequence,
                Media = sms.Media.Count == 0 ? null : sms.Media.Select((m, i) => new MediaItem
                {
                    Index = i + 1,
                    State = MediaStates.Expected,
                    ContentType = m.ContentType,
                    Blob = ReportStore.MediaBlobName(tipId.Value, record.Sequence, i + 1),
                }).ToList(),
                ContactPaused = kind switch { SmsKind.Stop => true, SmsKind.Start => false, _ => null },
                Keyword = kind == SmsKind.Message ? null : kind.ToString().ToUpperInvariant(),
            },
        };
        var blobName = record.Sequence == 1 ? ReportStore.ReportBlobName(tipId.Value) : ReportStore.MessageBlobName(tipId.Value, record.Sequence);
        // Every delivery of one MessageSid marks the blob alike, so a name that was not free holds this message's own
        // write (this delivery's, answered late, or an earlier delivery's), an unmarked one from a release before marks
        // (its own, as the commit above says), or another report: never answer "received" for another report.
        if (await intake.TryStoreAsync(blobName, envelope, "sms\n" + sms.MessageSid, cancellationToken).ConfigureAwait(false) == CreateOutcome.Taken)
        {
            Log.PlaceTaken(logger, tipId.Value.ToString(), record.Sequence);
            throw new IntakeUnavailableException("The message's place in its case holds another report.");
        }

        if (sms.Media.Count > 0)
        {
            // Queued before the answer, so a 2xx means the media will be fetched; a Twilio retry queues it again,
            // and the fetch stores it once whatever the number of jobs.
            var job = new MediaJob(tipId.Value.ToString(), record.Sequence, sms.MessageSid, record.ReceivedAt, envelope.Urgency, record.Language, sms.Media);
            await Call(async () => { await mediaJobs.SendAsync(job, delay: null, cancellationToken).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
        }

        var paused = kind switch { SmsKind.Stop => true, SmsKind.Start => false, _ => record.ContactPaused == true ? true : (bool?)null };
        var urgency = envelope.Urgency > record.Urgency ? envelope.Urgency : record.Urgency;
        await intake.FileAsync(
            new CaseMessage(tipId.Value, Channel.Sms, urgency, record.Language, record.ReceivedAt, record.Sequence, paused),
            record.Alert ? new TriageMessage(tipId.Value.ToString(), Channel.Sms, record.Urgency, record.ReceivedAt, record.Language, record.ContactPaused, record.LanguageUnread) { FollowUp = record.Sequence > 1 ? true : null } : null,
            cancellationToken).ConfigureAwait(false);

        Log.Stored(logger, tipId.Value.ToString(), record.Sequence, kind, record.Alert);
        return new SmsReceipt(tipId.Value, record.Sequence, record.Urgency, record.Language, record.NewCase, duplicate);
    }

    private static string PointerName(string pseudonym) => "conversations/" + pseudonym;

    private static BinaryData Write<T>(T value, JsonTypeInfo<T> json) => BinaryData.FromObjectAsJson(value, json);

    /// <summary>
    /// A pointer that cannot be read (written by hand, or by a broken release) must not turn every
    /// later message from that number into an error: it is treated as absent, and the next message
    /// overwrites it (conditionally) by opening a new case.
    /// </summary>
    private ConversationPointer? ReadPointer(BinaryData? data)
    {
        if (data is null)
        {
            return null;
        }

        try
        {
            return data.ToObjectFromJson(StoredJsonContext.Default.ConversationPointer);
        }
        catch (JsonException)
        {
            Log.UnreadablePointer(logger);
            return null;
        }
    }

    private static MessageRecord ReadRecord(BinaryData data)
    {
        try
        {
            return data.ToObjectFromJson(StoredJsonContext.Default.MessageRecord) ?? throw new JsonException("An empty SMS record.");
        }
        catch (JsonException ex)
        {
            throw new IntakeUnavailableException("An SMS record cannot be read.", ex);
        }
    }

    /// <summary>
    /// Any storage failure (an HTTP error, a network failure after the SDK's retries, a timeout)
    /// becomes <see cref="IntakeUnavailableException"/>: Twilio gets a 503 and retries, never a 500.
    /// </summary>
    private static async Task<T> Call<T>(Func<Task<T>> storageCall, CancellationToken cancellationToken)
    {
        try
        {
            return await storageCall().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not IntakeUnavailableException && (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw new IntakeUnavailableException("Storage did not answer.", ex);
        }
    }

    /// <summary>
    /// The case an SMS pseudonym is in (no content, no number). <c>ContactPaused</c> belongs to the
    /// number: Twilio blocks replies from STOP to START whatever the case. <c>Recent</c> remembers what
    /// the last few MessageSids (hashed) became: the commit record a retry finishes from. <c>MenuSentAt</c>:
    /// when the LANG menu was sent, until the next message; <c>MenuAnswer</c>: the hashed MessageSid that last
    /// chose a language, so Twilio's retry of a menu answer is answered as before.
    /// </summary>
    internal sealed record ConversationPointer(string? TipId, int Sequence, DateTimeOffset LastAt, string? Language, Urgency MaxUrgency, bool ContactPaused, IReadOnlyList<CommittedMessage>? Recent = null, DateTimeOffset? MenuSentAt = null, string? MenuAnswer = null);

    /// <summary>A MessageSid's hash and the place it took in its case.</summary>
    internal sealed record CommittedMessage(string MessageSidHash, MessageRecord Record);

    /// <summary>What one MessageSid became: enough to answer a Twilio retry the same way and finish what it started.</summary>
    /// <param name="LanguageUnread">True when no triage rules read the message's language (it was raised to high for that).</param>
    internal sealed record MessageRecord(string TipId, int Sequence, Urgency Urgency, string Language, bool Alert, bool? ContactPaused, DateTimeOffset ReceivedAt, bool NewCase, bool? LanguageUnread = null);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SMS stored as message {Sequence} of case {TipId} ({Kind}; responders paged: {Alert}).")]
        public static partial void Stored(ILogger logger, string tipId, int sequence, SmsKind kind, bool alert);

        [LoggerMessage(2, LogLevel.Information, "Twilio redelivered message {Sequence} of case {TipId}: answering as before.")]
        public static partial void Redelivered(ILogger logger, string tipId, int sequence);

        [LoggerMessage(3, LogLevel.Warning, "Reading a number's chosen language failed ({ErrorType}); answering in English.")]
        public static partial void LanguageUnavailable(ILogger logger, string errorType);

        [LoggerMessage(4, LogLevel.Error, "A conversation pointer could not be read; the number's next message opens a new case.")]
        public static partial void UnreadablePointer(ILogger logger);

        [LoggerMessage(5, LogLevel.Warning, "Tip id collision on draw {Draw} for a new SMS case; drawing again.")]
        public static partial void IdCollision(ILogger logger, int draw);

        [LoggerMessage(6, LogLevel.Error, "Message {Sequence} of case {TipId} was given a name another report took after it was checked: not stored, answered 503; Twilio keeps the message.")]
        public static partial void PlaceTaken(ILogger logger, string tipId, int sequence);
    }
}
