using Hotline.Storage;

namespace Hotline.Functions.Hosting;

/// <summary>
/// Creates the containers and queues, in the background: hosted services start before Kestrel, and
/// the Functions host's readiness probe (<c>GET /</c>) must be answered within a few seconds even when
/// storage is down or an identity token is slow. Until storage answers, <c>/api/health</c> reports 503
/// and this keeps trying.
/// </summary>
internal sealed partial class StorageInitializer(HotlineStorage storage, IEnumerable<QueueFunctionDefinition> functions, ILogger<StorageInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _initialization;

    /// <summary>Completes once the containers and queues exist.</summary>
    public Task Ready => _ready.Task;

    private IEnumerable<string> Queues => new[] { StorageNames.TriageQueue, StorageNames.TriagePoisonQueue }
        .Concat(functions.SelectMany(f => new[] { f.ResolvedQueueName, f.ResolvedQueueName + StorageNames.PoisonSuffix }));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _initialization = Task.Run(() => InitializeAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_initialization is not null)
        {
            await _initialization.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        while (!await TryCreateAsync(cancellationToken))
        {
            try
            {
                await Task.Delay(RetryInterval, cancellationToken);
            }
            catch (OperationCanceledException)
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
            _ready.TrySetResult();
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.NotReachable(logger, ex.GetType().Name, RetryInterval.TotalSeconds);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Storage ready: container and queues exist.")]
        public static partial void Ready(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "Storage is not reachable yet ({ErrorType}); retrying in {RetrySeconds} s. /api/health reports 503 until it is.")]
        public static partial void NotReachable(ILogger logger, string errorType, double retrySeconds);
    }
}
