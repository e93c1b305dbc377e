using Hotline.Cases;
using Hotline.Diagnostics;
using Hotline.Triage;
using Microsoft.Extensions.Logging;

namespace Hotline.Tips;

/// <summary>
/// The one intake pipeline every channel uses: classify → encrypt → write the blob once → enqueue
/// the triage message → receipt. A receipt is only returned once the blob is durably stored and
/// the triage message is queued. A retry with the same idempotency key finds the same tip id, never
/// writes a second report, and enqueues again (dispatch pages each responder once per alert).
/// </summary>
public sealed partial class TipIntake(ReportStore reports, CaseStore cases, UntriagedAlerts untriaged, IntakeState state, TriageSender triage, ITipIdSource ids, IntakeSecrets secrets, TimeProvider time, ILogger<TipIntake> logger, FollowUp.FollowUpVault? followUp = null)
{
    private const int MaxIdDraws = 5;

    /// <exception cref="IdempotencyConflictException">The key was used before for a different report.</exception>
    public async Task<IntakeReceipt> SubmitAsync(TipSubmission submission, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var assessment = UrgencyClassifier.Assess(submission.Message);
        var urgency = assessment.Urgency;
        var (tipId, receivedAt) = await StoreAsync(submission, urgency, time.GetUtcNow(), idempotencyKey, cancellationToken).ConfigureAwait(false);

        // A web tipster's way back (its key, its code, their copy of the report) is stored beside the filing, and
        // before the 202: the code it answers with must open the conversation the moment the tipster has it.
        var issued = submission.Channel == Channel.Web && followUp is not null
            ? Guarded(() => followUp.IssueAsync(tipId, Envelope(submission, tipId, urgency, receivedAt), cancellationToken), tipId.ToString(), Log.StoreFailed, "Storage did not accept the follow-up key.", cancellationToken)
            : Task.FromResult<string>(null!);
        var filed = FileAsync(
            new CaseMessage(tipId, submission.Channel, urgency, submission.Language, receivedAt, 1, submission.ContactPaused),
            new TriageMessage(tipId.ToString(), submission.Channel, urgency, receivedAt, submission.Language, submission.ContactPaused == true ? true : null, assessment.LanguageRead ? null : true),
            cancellationToken);
        await Task.WhenAll(issued, filed).ConfigureAwait(false);
        Log.Accepted(logger, tipId.ToString(), submission.Channel, urgency);
        HotlineMetrics.ReportAccepted(submission.Channel);
        return new IntakeReceipt(tipId, urgency, receivedAt, await issued.ConfigureAwait(false));
    }

    /// <summary>
    /// Files a stored message: records it in its case record (what responders list cases by) and, when it
    /// raises an alert, records the alert as untriaged and sends the triage message. A failure means the
    /// tipster must hear "try again".
    /// <list type="bullet">
    /// <item>The case record comes before the triage message and the 2xx: a case the tipster was told is
    /// filed, or responders are paged about, is a case responders can find.</item>
    /// <item>The untriaged record comes before the triage message: if the send fails and the tipster never
    /// retries (or the process dies in between), the sweeper queues it again, so a stored report always
    /// reaches a responder.</item>
    /// <item>The two records do not depend on each other, so they are written at once: one storage round
    /// trip less for every tip (the intake benchmark in docs/reliability.md measured it).</item>
    /// </list>
    /// </summary>
    public async Task FileAsync(CaseMessage message, TriageMessage? alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var recorded = Guarded(() => cases.RecordMessageAsync(message, cancellationToken), message.TipId.ToString(), Log.StoreFailed, "Storage did not accept the case record.", cancellationToken);
        var marked = alert is null
            ? Task.CompletedTask
            : Guarded(() => untriaged.AddAsync(alert, cancellationToken), alert.TipId, Log.EnqueueFailed, "Storage did not accept the alert's untriaged record.", cancellationToken);
        await Task.WhenAll(recorded, marked).ConfigureAwait(false);

        if (alert is not null)
        {
            await Guarded(() => triage.EnqueueAsync(alert, cancellationToken), alert.TipId, Log.EnqueueFailed, "The triage queue did not accept the message.", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One storage step of intake. A failure (anything but the caller's own cancellation) is logged by its type, with
    /// <paramref name="log"/>, and becomes <see cref="IntakeUnavailableException"/> with <paramref name="failure"/>:
    /// the tipster hears "try again", and a retry finds what was done (every step is idempotent).
    /// </summary>
    private async Task<T> Guarded<T>(Func<Task<T>> step, string tipId, Action<ILogger, string, string> log, string failure, CancellationToken cancellationToken)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            log(logger, tipId, ex.GetType().Name);
            throw new IntakeUnavailableException(failure, ex);
        }
    }

    private async Task Guarded(Func<Task> step, string tipId, Action<ILogger, string, string> log, string failure, CancellationToken cancellationToken) =>
        await Guarded(
            async () =>
            {
                await step().ConfigureAwait(false);
                return true;
            },
            tipId,
            log,
            failure,
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Encrypts and stores one envelope under a new name, marked as <paramref name="writer"/>'s (a name that outlives
    /// one request: every request of that writer marks it alike), or as this call's alone (null); says whose blob the
    /// name holds if it was not free.
    /// </summary>
    public async Task<CreateOutcome> TryStoreAsync(string blobName, TipReport report, string? writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return await Guarded(
            () => reports.CreateOnceAsync(blobName, report, writer is null ? null : secrets.WriteMark(blobName, writer), cancellationToken),
            report.TipId,
            Log.StoreFailed,
            "Storage did not accept the report.",
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Claims the record an idempotency key names (or a new one, bound to this content).</summary>
    private Task<(IdempotencyRecord Record, bool Claimed)> ClaimAsync(string scope, string idempotencyKey, IdempotencyRecord candidate, CancellationToken cancellationToken) =>
        Guarded(() => state.ClaimAsync(scope, idempotencyKey, candidate, cancellationToken), "(unassigned)", Log.StoreFailed, "Storage did not answer.", cancellationToken);

    /// <summary>
    /// Stores the report once; returns its id and its time of receipt. A retry with the same key and the
    /// same content gets the first request's id and time, so what it queues is what was stored.
    /// </summary>
    private async Task<(TipId Id, DateTimeOffset ReceivedAt)> StoreAsync(TipSubmission submission, Urgency urgency, DateTimeOffset receivedAt, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var scope = submission.Channel.ToString();
        var id = ids.Draw();
        var claimed = true;
        IdempotencyRecord? record = null;
        if (idempotencyKey is not null)
        {
            var contentMac = secrets.Fingerprint(submission);
            (record, claimed) = await ClaimAsync(scope, idempotencyKey, new IdempotencyRecord(id, contentMac, receivedAt), cancellationToken).ConfigureAwait(false);
            if (!claimed && !record.Matches(contentMac))
            {
                Log.KeyReused(logger, record.TipId.ToString());
                throw new IdempotencyConflictException();
            }

            (id, receivedAt) = (record.TipId, record.ReceivedAt ?? receivedAt);
        }

        // Every request with one key marks the report alike, so a 409 on its name tells this key's report (this
        // request's own write whose answer was lost, or an earlier request's) from another report that holds the id.
        var writer = idempotencyKey is null ? null : "idempotency\n" + scope + "\n" + idempotencyKey;
        for (var draw = 1; ; draw++)
        {
            switch (await TryStoreAsync(ReportStore.ReportBlobName(id), Envelope(submission, id, urgency, receivedAt), writer, cancellationToken).ConfigureAwait(false))
            {
                case CreateOutcome.Created:
                    return (id, receivedAt);
                case CreateOutcome.AlreadyStored:
                    Log.Retried(logger, id.ToString());
                    return (id, receivedAt);
                case CreateOutcome.Unmarked when !claimed:
                    // Stored before reports were marked, by an earlier request with this key: this is its retry.
                    Log.Retried(logger, id.ToString());
                    return (id, receivedAt);
            }

            // The name belongs to another report (60 random bits make this all but impossible; the
            // conditional write makes it harmless). Never hand out that report's receipt: draw again.
            Log.IdCollision(logger, draw);
            if (draw == MaxIdDraws)
            {
                throw new IntakeUnavailableException("Could not draw a free tip id.");
            }

            var next = ids.Draw();
            if (idempotencyKey is not null)
            {
                await MoveClaimAsync(scope, idempotencyKey, record! with { TipId = next }, id, cancellationToken).ConfigureAwait(false);
            }

            id = next;
        }
    }

    /// <summary>
    /// Points the idempotency record this request created at a fresh id, so a retry with the same
    /// key finds the report stored under it. Conditional on the record being unchanged since read.
    /// </summary>
    private async Task MoveClaimAsync(string scope, string idempotencyKey, IdempotencyRecord moved, TipId from, CancellationToken cancellationToken)
    {
        var name = state.IdempotencyRecordName(scope, idempotencyKey);
        var done = await Guarded(
            async () =>
            {
                var (value, etag) = await state.GetAsync(name, cancellationToken).ConfigureAwait(false);
                return value is not null
                    && IdempotencyRecord.Parse(value).TipId == from
                    && await state.TrySaveAsync(name, moved.ToBinaryData(), etag, cancellationToken).ConfigureAwait(false);
            },
            from.ToString(),
            Log.StoreFailed,
            "Storage did not answer.",
            cancellationToken).ConfigureAwait(false);

        if (!done)
        {
            throw new IntakeUnavailableException("The idempotency record changed under a new claim.");
        }
    }

    private static TipReport Envelope(TipSubmission s, TipId id, Urgency urgency, DateTimeOffset receivedAt) => new()
    {
        TipId = id.ToString(),
        Channel = s.Channel,
        ReceivedAt = receivedAt,
        Language = s.Language,
        Urgency = urgency,
        Message = s.Message,
        Location = s.Location,
        Contact = s.Contact,
        Category = s.Category,
        Sender = s.Sender,
        Sms = s.Sms,
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Report {TipId} stored and queued (channel {Channel}, urgency {Urgency}).")]
        public static partial void Accepted(ILogger logger, string tipId, Channel channel, Urgency urgency);

        [LoggerMessage(2, LogLevel.Error, "Storing report {TipId} failed ({ErrorType}); the tipster is asked to retry.")]
        public static partial void StoreFailed(ILogger logger, string tipId, string errorType);

        [LoggerMessage(3, LogLevel.Error, "Queueing triage for {TipId} failed ({ErrorType}); the report is stored, the tipster is asked to retry.")]
        public static partial void EnqueueFailed(ILogger logger, string tipId, string errorType);

        [LoggerMessage(4, LogLevel.Information, "Report {TipId} was already stored, by this request (its answer was lost) or an earlier one with its key: a retry.")]
        public static partial void Retried(ILogger logger, string tipId);

        [LoggerMessage(5, LogLevel.Warning, "Tip id collision on draw {Draw}; drawing again.")]
        public static partial void IdCollision(ILogger logger, int draw);

        [LoggerMessage(6, LogLevel.Warning, "An idempotency key of report {TipId} was reused with different content: refused, nothing stored.")]
        public static partial void KeyReused(ILogger logger, string tipId);
    }
}
