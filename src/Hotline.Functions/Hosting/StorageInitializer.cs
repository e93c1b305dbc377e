using Hotline.Storage;

namespace Hotline.Functions.Hosting;

/// <summary>
/// Creates the container and queues on start-up. The first attempt is awaited briefly so a healthy
/// start is ready at once; if storage is not reachable yet the app still starts (the readiness probe
/// and <c>/api/health</c> must answer) and keeps trying in the background.
/// </summary>
internal sealed partial class StorageInitializer(HotlineStorage storage, IEnumerable<IQueueFunction> functions, ILogger<StorageInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan FirstAttemptBudget = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retries;

    private IEnumerable<string> Queues => new[] { StorageNames.TriageQueue, StorageNames.TriagePoisonQueue }
        .Concat(functions.SelectMany(f => new[] { f.QueueName, f.QueueName + StorageNames.PoisonSuffix }));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var firstAttempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        firstAttempt.CancelAfter(FirstAttemptBudget);
        if (await TryCreateAsync(firstAttempt.Token))
        {
            return;
        }

        _retries = Task.Run(() => RetryAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retries is not null)
        {
            await _retries.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task RetryAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(RetryInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (await TryCreateAsync(cancellationToken))
            {
                return;
            }
        }
    }

    private async Task<bool> TryCreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await storage.EnsureCreatedAsync(Queues, cancellationToken);
            Log.Ready(logger);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            Log.NotReachable(logger, ex.GetType().Name);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Storage ready: container and queues exist.")]
        public static partial void Ready(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "Storage is not reachable yet ({ErrorType}); retrying in the background. /api/health reports 503 until it is.")]
        public static partial void NotReachable(ILogger logger, string errorType);
    }
}
