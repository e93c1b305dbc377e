using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Hotline.Text;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Sms;

/// <summary>One inbound SMS as Twilio posted it, geo fields already dropped.</summary>
public sealed record InboundSms(string MessageSid, string From, string Body, IReadOnlyList<string> MediaUrls);

/// <summary>What an SMS does to its case.</summary>
public enum SmsKind
{
    /// <summary>A report or a further message of one.</summary>
    Message,

    /// <summary>STOP and Twilio's other opt-out words: pause contact (the phone may not be the tipster's any more).</summary>
    Stop,

    /// <summary>START and Twilio's other opt-in words: contact may resume.</summary>
    Start,
}

/// <summary>What happened to an SMS: its case, its place in it, and what the tipster should hear.</summary>
public sealed record SmsReceipt(TipId TipId, int Sequence, Urgency Urgency, string Language, bool NewCase, bool Duplicate);

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
    PhonePseudonym pseudonyms,
    TimeProvider time,
    IOptions<HotlineOptions> options,
    ILogger<SmsIntake> logger)
{
    private const int MaxPointerAttempts = 8;

    /// <summary>Stores one SMS in its case. Null for STOP/START from a number with no case (nothing to mark).</summary>
    public async Task<SmsReceipt?> ReceiveAsync(InboundSms sms, SmsKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sms);
        var pseudonym = pseudonyms.Of(sms.From);
        var recordName = "sms-messages/" + IntakeState.Hash(sms.MessageSid);

        var (existing, _) = await Call(() => state.GetAsync(recordName, cancellationToken)).ConfigureAwait(false);
        if (existing is not null)
        {
            var record = Read(StoredJsonContext.Default.MessageRecord, existing);
            Log.Redelivered(logger, record.TipId, record.Sequence);
            return await CompleteAsync(sms, kind, pseudonym, record, duplicate: true, cancellationToken).ConfigureAwait(false);
        }

        var now = time.GetUtcNow();
        var urgency = UrgencyClassifier.Classify(sms.Body);
        var detected = LanguageDetector.Detect(sms.Body);
        for (var attempt = 1; attempt <= MaxPointerAttempts; attempt++)
        {
            var (data, etag) = await Call(() => state.GetAsync(PointerName(pseudonym), cancellationToken)).ConfigureAwait(false);
            var pointer = data is null ? null : Read(StoredJsonContext.Default.ConversationPointer, data);
            var record = NextRecord(pointer, kind, urgency, detected, now);
            if (record is null)
            {
                return null;
            }

            var updated = new ConversationPointer(
                record.TipId,
                record.Sequence,
                kind == SmsKind.Message ? now : pointer!.LastAt,
                pointer?.Language ?? (detected == LanguageDetector.Undetermined ? null : detected),
                (Urgency)Math.Max((int)(pointer?.TipId == record.TipId ? pointer.MaxUrgency : Urgency.Normal), (int)record.Urgency),
                kind switch { SmsKind.Stop => true, SmsKind.Start => false, _ => pointer?.TipId == record.TipId && pointer.ContactPaused });
            if (!await Call(() => state.TrySaveAsync(PointerName(pseudonym), Write(updated, StoredJsonContext.Default.ConversationPointer), etag, cancellationToken)).ConfigureAwait(false))
            {
                continue; // another message of this number moved the case on: read it again
            }

            var (stored, claimed) = await Call(() => state.ClaimRecordAsync(recordName, Write(record, StoredJsonContext.Default.MessageRecord), cancellationToken)).ConfigureAwait(false);
            var winner = claimed ? record : Read(StoredJsonContext.Default.MessageRecord, stored);
            return await CompleteAsync(sms, kind, pseudonym, winner, duplicate: !claimed, cancellationToken).ConfigureAwait(false);
        }

        throw new IntakeUnavailableException("The conversation kept changing; try again.");
    }

    /// <summary>The language a number chose (LANG) or its case was detected in; null if none yet.</summary>
    public async Task<string?> GetLanguageAsync(string from, CancellationToken cancellationToken = default)
    {
        var (data, _) = await Call(() => state.GetAsync(PointerName(pseudonyms.Of(from)), cancellationToken)).ConfigureAwait(false);
        return data is null ? null : Read(StoredJsonContext.Default.ConversationPointer, data).Language;
    }

    /// <summary>Remembers the language a number chose with LANG, for this and later cases.</summary>
    public async Task SetLanguageAsync(string from, string language, CancellationToken cancellationToken = default)
    {
        var name = PointerName(pseudonyms.Of(from));
        for (var attempt = 1; attempt <= MaxPointerAttempts; attempt++)
        {
            var (data, etag) = await Call(() => state.GetAsync(name, cancellationToken)).ConfigureAwait(false);
            var pointer = data is null
                ? new ConversationPointer(null, 0, time.GetUtcNow(), language, Urgency.Normal, false)
                : Read(StoredJsonContext.Default.ConversationPointer, data) with { Language = language };
            if (await Call(() => state.TrySaveAsync(name, Write(pointer, StoredJsonContext.Default.ConversationPointer), etag, cancellationToken)).ConfigureAwait(false))
            {
                return;
            }
        }

        throw new IntakeUnavailableException("The conversation kept changing; try again.");
    }

    private MessageRecord? NextRecord(ConversationPointer? pointer, SmsKind kind, Urgency urgency, string detected, DateTimeOffset now)
    {
        var language = pointer?.Language ?? detected;
        var open = pointer?.TipId is not null && now - pointer.LastAt <= options.Value.ConversationWindow;
        switch (kind)
        {
            case SmsKind.Message when open:
                // A later message pages again only if it raises the urgency.
                return new MessageRecord(pointer!.TipId!, pointer.Sequence + 1, urgency, language, urgency > pointer.MaxUrgency, pointer.ContactPaused ? true : null, now, false);
            case SmsKind.Message:
                return new MessageRecord(TipId.New().ToString(), 1, urgency, language, true, null, now, true);
            case SmsKind.Stop or SmsKind.Start when pointer?.TipId is not null:
                // STOP reaches the case however old it is: responders must know not to reply. Tell them once.
                var alert = kind == SmsKind.Stop && !pointer.ContactPaused;
                return new MessageRecord(pointer.TipId, pointer.Sequence + 1, pointer.MaxUrgency, language, alert, kind == SmsKind.Stop ? true : null, now, false);
            default:
                return null;
        }
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
                MediaUrls = sms.MediaUrls.Count == 0 ? null : sms.MediaUrls,
                ContactPaused = kind switch { SmsKind.Stop => true, SmsKind.Start => false, _ => null },
                Keyword = kind == SmsKind.Message ? null : kind.ToString().ToUpperInvariant(),
            },
        };
        var blobName = record.Sequence == 1 ? ReportStore.ReportBlobName(tipId.Value) : ReportStore.MessageBlobName(tipId.Value, record.Sequence);
        await intake.TryStoreAsync(blobName, envelope, cancellationToken).ConfigureAwait(false);

        if (record.Alert)
        {
            await intake.EnqueueAsync(new TriageMessage(tipId.Value.ToString(), Channel.Sms, record.Urgency, record.ReceivedAt, record.Language, record.ContactPaused), cancellationToken).ConfigureAwait(false);
        }

        Log.Stored(logger, tipId.Value.ToString(), record.Sequence, kind, record.Alert);
        return new SmsReceipt(tipId.Value, record.Sequence, record.Urgency, record.Language, record.NewCase, duplicate);
    }

    private static string PointerName(string pseudonym) => "conversations/" + pseudonym;

    private static BinaryData Write<T>(T value, JsonTypeInfo<T> json) => BinaryData.FromObjectAsJson(value, json);

    private static T Read<T>(JsonTypeInfo<T> json, BinaryData data) => data.ToObjectFromJson(json) ?? throw new InvalidDataException("An empty intake record.");

    private static async Task<T> Call<T>(Func<Task<T>> storageCall)
    {
        try
        {
            return await storageCall().ConfigureAwait(false);
        }
        catch (Azure.RequestFailedException ex)
        {
            throw new IntakeUnavailableException("Storage did not answer.", ex);
        }
    }

    /// <summary>The case an SMS pseudonym is in (no content, no number).</summary>
    internal sealed record ConversationPointer(string? TipId, int Sequence, DateTimeOffset LastAt, string? Language, Urgency MaxUrgency, bool ContactPaused);

    /// <summary>What one MessageSid became: enough to answer a Twilio retry the same way and finish what it started.</summary>
    internal sealed record MessageRecord(string TipId, int Sequence, Urgency Urgency, string Language, bool Alert, bool? ContactPaused, DateTimeOffset ReceivedAt, bool NewCase);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SMS stored as message {Sequence} of case {TipId} ({Kind}; responders paged: {Alert}).")]
        public static partial void Stored(ILogger logger, string tipId, int sequence, SmsKind kind, bool alert);

        [LoggerMessage(2, LogLevel.Information, "Twilio redelivered message {Sequence} of case {TipId}: answering as before.")]
        public static partial void Redelivered(ILogger logger, string tipId, int sequence);
    }
}
