using System.Text.Json;
using Hotline.Diagnostics;
using Hotline.Dispatch;
using Hotline.Sms;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Twilio;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Media;

/// <summary>
/// Fetches the media of an inbound MMS from Twilio and encrypts it into the case, off the webhook's path (Twilio
/// waits 15 s for an answer; a video on a slow link takes longer). For each item: downloaded with the account's
/// credentials, refused by type or size without being read whole, stored encrypted as <c>media-0002-1</c>, ...
/// Then the message's media record (<c>media-0002</c>: type, size, SHA-256 and blob of each item, or why not),
/// then Twilio's copy of the message is deleted, only if every item is stored or refused.
/// <list type="bullet">
/// <item>A failure worth another try (Twilio 5xx or unreachable, storage failing) queues the job again with
/// back-off (<see cref="MediaOptions.RetryDelay"/>, doubling); after <see cref="MediaOptions.MaxAttempts"/> what
/// still fails is recorded as failed, the message stays at Twilio, and responders are told.</item>
/// <item>Done once: a sealed "settled" record per MessageSid (in <c>intake</c>) is written after the media record;
/// a job that finds it only repeats what may not have happened yet (the deletion, or the notice).</item>
/// </list>
/// Nothing that finds the message at Twilio (MessageSid, media URL, MediaSid) is logged.
/// </summary>
public sealed partial class MediaFetcher(
    MediaJobs jobs,
    IntakeState state,
    ReportStore reports,
    ProviderCopies copies,
    TwilioMediaClient client,
    TriageDispatcher dispatcher,
    IOptions<MediaOptions> options,
    TimeProvider time,
    ILogger<MediaFetcher> logger)
{
    /// <summary>
    /// The media job an <c>sms-media</c> (or poison) queue message holds, or null, logged, when it is not sealed by this
    /// hotline: there is then no case to tell anyone about, and nothing to fetch (intake never queues what it cannot open).
    /// </summary>
    public MediaJob? Open(string messageId, string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var job = jobs.TryOpen(body);
        if (job is null)
        {
            Log.Unreadable(logger, messageId);
        }

        return job;
    }

    /// <summary>FetchMedia: one message's media, fetched and stored; throws only when even queueing the retry fails.</summary>
    public async Task FetchAsync(MediaJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!TipId.TryParse(job.TipId, out var parsed))
        {
            throw new InvalidDataException("A media job holds no tip id.");
        }

        var tipId = parsed.Value;
        var settledName = SettledName(job);
        if (await state.GetAsync(settledName, cancellationToken).ConfigureAwait(false) is ({ } settled, _))
        {
            await FinishAsync(job, ReadSettled(settled), cancellationToken).ConfigureAwait(false);
            return;
        }

        var settings = options.Value;
        var items = new List<MediaItem>(job.Media.Count);
        string? retryable = null;
        for (var i = 0; i < job.Media.Count; i++)
        {
            var (item, failure) = await FetchOneAsync(job, tipId, i + 1, job.Media[i], settings, cancellationToken).ConfigureAwait(false);
            items.Add(item);
            retryable ??= failure;
        }

        if (retryable is not null && job.Attempt < settings.MaxAttempts)
        {
            // Items already stored are fetched and stored again next time, under the same names: still one copy.
            var delay = settings.RetryDelay * Math.Pow(2, job.Attempt - 1);
            await jobs.SendAsync(job with { Attempt = job.Attempt + 1 }, delay, cancellationToken).ConfigureAwait(false);
            Log.Retrying(logger, job.TipId, job.Sequence, job.Attempt, retryable, delay);
            return;
        }

        var record = new MediaRecord
        {
            TipId = job.TipId,
            Sequence = job.Sequence,
            SettledAt = time.GetUtcNow(),
            Items = items.Select(i => i.State == MediaStates.Expected ? i with { State = MediaStates.Failed } : i).ToList(),
        };

        // Create-only: of two jobs for one message (a Twilio retry queues another), the first to settle is the record.
        await reports.TryCreateAsync(ReportStore.MediaRecordBlobName(tipId, job.Sequence), record.ToUtf8Json(), cancellationToken).ConfigureAwait(false);
        var (value, _) = await state.ClaimRecordAsync(settledName, BinaryData.FromString(record.Complete ? Complete : Incomplete), cancellationToken).ConfigureAwait(false);
        Log.Settled(logger, job.TipId, job.Sequence, Count(record, MediaStates.Stored), Count(record, MediaStates.Refused), Count(record, MediaStates.Failed), job.Attempt);
        await FinishAsync(job, ReadSettled(value), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>sms-media-poison: a job that threw on every delivery. Responders are told; the message stays at Twilio.</summary>
    public async Task NotifyPoisonedAsync(MediaJob job, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        Log.Poisoned(logger, job.TipId, messageId);
        HotlineMetrics.PoisonMessage(StorageNames.MediaQueue + StorageNames.PoisonSuffix);
        await dispatcher.NotifyMediaNotStoredAsync(
            AlertFacts.ForMediaNotStored(job.TipId, job.Sequence, job.Urgency, job.ReceivedAt, job.Language), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What follows a settled message: Twilio's copy deleted when all is stored; otherwise responders told.</summary>
    private async Task FinishAsync(MediaJob job, bool complete, CancellationToken cancellationToken)
    {
        if (complete)
        {
            await copies.ScheduleDeletionAsync(job.MessageSid, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await dispatcher.NotifyMediaNotStoredAsync(
                AlertFacts.ForMediaNotStored(job.TipId, job.Sequence, job.Urgency, job.ReceivedAt, job.Language), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One item: stored, refused, gone, or (with the failure's name) to be tried again.</summary>
    private async Task<(MediaItem Item, string? Retryable)> FetchOneAsync(MediaJob job, TipId tipId, int index, InboundMedia media, MediaOptions settings, CancellationToken cancellationToken)
    {
        var blob = ReportStore.MediaBlobName(tipId, job.Sequence, index);
        var item = new MediaItem { Index = index, State = MediaStates.Expected, ContentType = media.ContentType };
        if (!client.IsAccountMediaUrl(media.Url, job.MessageSid))
        {
            // Never given the credentials. Not "refused" either: that would let the message go at Twilio, and what
            // it really brought may be there; the case says so and responders are told.
            return (item with { State = MediaStates.Failed, Reason = "not a media URL of this message at Twilio: not fetched" }, null);
        }

        MediaDownload download;
        try
        {
            download = await client.DownloadAsync(media.Url, job.MessageSid, settings.MaxBytes, settings.Allows, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // An error status, the network, or the pipeline's attempt timeout (Polly's own exception type): try again later.
            return (item with { Reason = Failure("Twilio", ex) }, ex.GetType().Name);
        }

        switch (download.Outcome)
        {
            case MediaDownloadOutcome.Refused:
                return (item with { State = MediaStates.Refused, ContentType = download.ContentType, Size = download.Size, Reason = download.Reason }, null);
            case MediaDownloadOutcome.Gone:
                return (item with { State = MediaStates.Failed, Reason = download.Reason }, null);
        }

        try
        {
            await reports.StoreMediaAsync(blob, download.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (item with { Reason = Failure("storage", ex) }, ex.GetType().Name);
        }

        return (item with { State = MediaStates.Stored, ContentType = download.ContentType, Size = download.Size, Sha256 = download.Sha256, Blob = blob }, null);
    }

    private string SettledName(MediaJob job) => "media-settled/" + state.Hash(job.MessageSid);

    private const string Complete = "complete";
    private const string Incomplete = "incomplete";

    private static bool ReadSettled(BinaryData value) => value.ToString() == Complete;

    private static int Count(MediaRecord record, string state) => record.Items.Count(i => i.State == state);

    /// <summary>Why an item failed, for the case: the side and the error's type, never its message (it can hold the URL).</summary>
    private static string Failure(string side, Exception ex) =>
        ex is HttpRequestException { StatusCode: { } status } ? $"{side} answered HTTP {(int)status}" : $"{side} failed ({ex.GetType().Name})";

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Media job {MessageId} could not be opened (not sealed under this hotline's pepper): dropped.")]
        public static partial void Unreadable(ILogger logger, string messageId);

        [LoggerMessage(2, LogLevel.Warning, "Media of message {Sequence} of case {TipId}: attempt {Attempt} failed ({ErrorType}); trying again in {Delay}.")]
        public static partial void Retrying(ILogger logger, string tipId, int sequence, int attempt, string errorType, TimeSpan delay);

        [LoggerMessage(3, LogLevel.Information, "Media of message {Sequence} of case {TipId} settled after {Attempts} attempts: {Stored} stored, {Refused} refused, {Failed} not fetched.")]
        public static partial void Settled(ILogger logger, string tipId, int sequence, int stored, int refused, int failed, int attempts);

        [LoggerMessage(4, LogLevel.Error, "Media job {MessageId} of case {TipId} failed on every delivery: responders are told; the message stays at Twilio.")]
        public static partial void Poisoned(ILogger logger, string tipId, string messageId);
    }
}
