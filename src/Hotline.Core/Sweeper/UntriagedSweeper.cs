using Hotline.Diagnostics;
using Hotline.Tips;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Sweeper;

/// <summary>
/// Queues again the alerts intake queued and dispatch has not handled within <see cref="SweepOptions.Grace"/>
/// (see <see cref="UntriagedAlerts"/>). Idempotent with the dispatch ledger: an alert queued twice pages
/// nobody twice. Each one queued again has its record refreshed, so it waits another grace period
/// before the next try. Logs counts only.
/// </summary>
public sealed partial class UntriagedSweeper(UntriagedAlerts untriaged, TriageSender triage, IOptions<SweepOptions> options, TimeProvider time, ILogger<UntriagedSweeper> logger)
{
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.Grace;
        int requeued = 0, waiting = 0, unreadable = 0;
        await foreach (var alert in untriaged.ListAsync(cancellationToken))
        {
            if (alert.QueuedAt > cutoff)
            {
                waiting++;
            }
            else if (alert.Message is not { } message)
            {
                // Sealed under another pepper or altered: nothing to queue. It expires with intake's records.
                unreadable++;
            }
            else
            {
                await untriaged.AddAsync(message, cancellationToken);
                await triage.EnqueueAsync(message, cancellationToken);
                requeued++;
            }
        }

        if (requeued > 0 || unreadable > 0)
        {
            Log.Swept(logger, requeued, waiting, unreadable, options.Value.Grace);
            HotlineMetrics.SweeperRequeued(requeued);
        }
        else
        {
            Log.Nothing(logger, waiting);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Sweep: {Requeued} alerts not dispatched within {Grace} were queued again ({Waiting} still within it, {Unreadable} unreadable).")]
        public static partial void Swept(ILogger logger, int requeued, int waiting, int unreadable, TimeSpan grace);

        [LoggerMessage(2, LogLevel.Debug, "Sweep: nothing to queue again ({Waiting} alerts within the grace period).")]
        public static partial void Nothing(ILogger logger, int waiting);
    }
}
