using Hotline.Cases;
using Hotline.Dispatch;
using Hotline.Storage;
using Hotline.Tips;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Retention;

/// <summary>
/// The daily retention run (<c>ExpireCases</c>): deletes every case whose expiry (<see cref="CaseRetention"/>) has come,
/// through the same purge as <c>hotline tips purge</c>, with an audit line each ("expired"); then warns the responders
/// once, content-free, of the cases that expire within 72 hours. Safe to run twice or on two instances at once: a
/// case's record is deleted last and conditionally, so one run audits it; the warning's ledger key is the day, so it is
/// sent once a day to each responder and channel.
/// </summary>
public sealed partial class CaseExpiry(
    HotlineStorage storage,
    CaseStore cases,
    TriageDispatcher dispatcher,
    IOptions<RosterOptions> roster,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<CaseExpiry> logger)
{
    /// <summary>Who the audit log names for an expiry.</summary>
    public const string AuditName = "retention";

    public async Task<ExpiryRun> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var files = new CaseFiles(storage, [], time);
        var due = new List<TipId>();
        var soon = new List<(string Receipt, DateTimeOffset At)>();
        await foreach (var record in cases.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var expires = CaseRetention.ExpiresAt(record, options.Value);
            if (expires <= now && TipId.TryParse(record.Receipt, out var id))
            {
                due.Add(id.Value);
            }
            else if (expires <= now + RetentionOptions.WarnAhead)
            {
                soon.Add((record.Receipt, expires));
            }
        }

        var expired = 0;
        foreach (var id in due)
        {
            // Read again just before: the listing may be minutes old, and a case with a new message must not go.
            if (await cases.GetWithETagAsync(id, cancellationToken).ConfigureAwait(false) is { } current
                && CaseRetention.ExpiresAt(current.Record, options.Value) <= now
                && await files.ExpireAsync(id, current.ETag, cancellationToken).ConfigureAwait(false))
            {
                expired++;
            }
        }

        var warned = false;
        if (soon.Count > 0 && roster.Value.Responders.Count > 0)
        {
            var receipts = soon.OrderBy(s => s.At).Select(s => s.Receipt).ToList();
            await dispatcher.DeliverToEachAsync(AlertFacts.ForExpiring(DateOnly.FromDateTime(now.UtcDateTime), receipts), roster.Value.Responders, cancellationToken).ConfigureAwait(false);
            warned = true;
        }

        Log.Ran(logger, expired, due.Count - expired, soon.Count);
        return new ExpiryRun(expired, soon.Count, warned);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Retention: {Expired} cases expired and deleted ({Skipped} taken by another run or changed), {Expiring} expire within 72 hours")]
        public static partial void Ran(ILogger logger, int expired, int skipped, int expiring);
    }
}

/// <summary>What a retention run did: counts only.</summary>
public sealed record ExpiryRun(int Expired, int Expiring, bool Warned);
