using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Hotline.Storage;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions host's queue trigger: polls one queue, runs the
/// function for each message, deletes it on success, and on failure hides it for
/// <c>visibilityTimeout</c> until the next try or, after <c>maxDequeueCount</c> deliveries, moves it
/// to <c>&lt;queue&gt;-poison</c> with no expiry. While the function runs, the message's lease is
/// renewed at half its length, as the host does, so long work is not delivered twice (the lease is
/// <see cref="ListenerOptions.MessageLease"/>: the host's is a fixed 10 minutes).
/// </summary>
internal sealed partial class QueueListener(
    QueueFunctionDefinition function,
    IServiceScopeFactory scopes,
    HotlineStorage storage,
    StorageInitializer initializer,
    IOptions<QueueTriggerOptions> options,
    IOptions<ListenerOptions> listenerOptions,
    ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly QueueTriggerOptions _options = options.Value;
    private readonly TimeSpan _messageLease = listenerOptions.Value.MessageLease;

    // Raw text, decoded here by messageEncoding: with base64 decoding in the client, one message that is not
    // base64 would fail every receive of its batch and jam the queue.
    private readonly QueueClient _queue = storage.RawQueue(function.ResolvedQueueName);
    private readonly QueueClient _poison = storage.RawQueue(function.ResolvedQueueName + StorageNames.PoisonSuffix);

    // A poison queue is the last stop: what cannot be decoded there is handed to its function as it is
    // (DispatchTriagePoison raises an "unreadable" notice) instead of vanishing into "-poison-poison".
    private readonly bool _isPoisonQueue = function.ResolvedQueueName.EndsWith(StorageNames.PoisonSuffix, StringComparison.Ordinal);

    public string FunctionName => function.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // On a first start the queues do not exist until the initializer has made them: polling before would
        // warn of a 404 for every queue. Until storage answers, the initializer says so, once every few seconds.
        try
        {
            await initializer.Ready.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        Log.Started(logger, function.Name, function.ResolvedQueueName, _options.MaxDequeueCount);
        var wait = MinPollingInterval;
        var running = new List<Task>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // The host's newBatchThreshold: look at the queue again as soon as the messages in flight
                // drop to it, not when the whole batch is done. A batch of ordinary alerts waiting for SMS
                // slots must not keep a newly queued urgent alert from being picked up (and paced ahead).
                running.RemoveAll(t => t.IsCompleted);
                if (running.Count > _options.EffectiveNewBatchThreshold)
                {
                    await Task.WhenAny(running);
                    continue;
                }

                QueueMessage[] batch;
                try
                {
                    batch = (await _queue.ReceiveMessagesAsync(_options.BatchSize, _messageLease, stoppingToken)).Value;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    Log.PollFailed(logger, function.ResolvedQueueName, ex is RequestFailedException rfe ? rfe.Status : 0, ex.GetType().Name);
                    await Delay(_options.MaxPollingInterval, stoppingToken);
                    continue;
                }

                if (batch.Length == 0 && running.Count > 0)
                {
                    // Work in flight: look again when a run ends (its message may have queued the next), or soon.
                    await Task.WhenAny(running.Append(Delay(MinPollingInterval, stoppingToken)));
                    continue;
                }

                if (batch.Length == 0)
                {
                    // The host's back-off: double the wait on an empty queue up to maxPollingInterval.
                    await Delay(wait, stoppingToken);
                    wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _options.MaxPollingInterval.Ticks));
                    continue;
                }

                wait = MinPollingInterval;
                running.AddRange(batch.Select(message => ProcessAsync(message, stoppingToken)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            // Let the runs under way settle their messages (or give them back) before the listener stops.
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        var rawText = message.Body.ToString();
        var receipt = new PopReceipt(message.PopReceipt);
        try
        {
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                // Delivered more often than allowed without a verdict (a crash mid-run): never run it again.
                await MoveToPoisonAsync(message, rawText, receipt.Value, cancellationToken);
                return;
            }

            if (!TryDecode(rawText, out var body))
            {
                if (!_isPoisonQueue)
                {
                    // It would fail the same way on every delivery: poison it now, as the host does.
                    Log.NotBase64(logger, function.Name, message.MessageId, function.ResolvedQueueName, _poison.Name);
                    await MoveToPoisonAsync(message, rawText, receipt.Value, cancellationToken);
                    return;
                }

                Log.NotBase64HandedOver(logger, function.Name, message.MessageId, function.ResolvedQueueName);
                body = rawText;
            }

            try
            {
                await RunHoldingTheLeaseAsync(new QueueTriggerMessage(message.MessageId, body, message.DequeueCount, message.InsertedOn), receipt, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.RunFailed(logger, ex, function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount);
                if (message.DequeueCount >= _options.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(message, rawText, receipt.Value, cancellationToken);
                }
                else
                {
                    var retry = await _queue.UpdateMessageAsync(message.MessageId, receipt.Value, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: cancellationToken);
                    Log.RetryAt(logger, function.Name, message.MessageId, retry.Value.NextVisibleOn.ToString("O", CultureInfo.InvariantCulture));
                }

                return;
            }

            await _queue.DeleteMessageAsync(message.MessageId, receipt.Value, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The lease expires and the message comes back: nothing is lost, so log and move on.
            Log.SettleFailed(logger, function.Name, message.MessageId, ex is RequestFailedException rfe ? rfe.Status : 0, ex.GetType().Name);
        }
    }

    /// <summary>
    /// The text as host.json's <c>messageEncoding</c> says it is stored: with <c>none</c> as it is; with
    /// <c>base64</c> (the default) decoded and read as UTF-8, as the SDK does.
    /// </summary>
    private bool TryDecode(string text, out string decoded)
    {
        if (_options.Encoding == QueueMessageEncoding.None)
        {
            decoded = text;
            return true;
        }

        var bytes = new byte[text.Length * 3 / 4 + 3];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            decoded = Encoding.UTF8.GetString(bytes, 0, written);
            return true;
        }

        decoded = string.Empty;
        return false;
    }

    private async Task MoveToPoisonAsync(QueueMessage message, string rawText, string popReceipt, CancellationToken cancellationToken)
    {
        // The stored text as it was (as the host copies it), and TTL -1: a poison message must wait for a
        // person, however long that takes.
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(rawText, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, popReceipt, cancellationToken);
        Log.MovedToPoison(logger, function.Name, message.MessageId, message.DequeueCount, _poison.Name);
    }

    private static async Task Delay(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Runs the function while renewing the message's lease at half its length, as the host does, so
    /// work that outlasts the lease is not delivered again (and its settle does not fail).
    /// </summary>
    private async Task RunHoldingTheLeaseAsync(QueueTriggerMessage trigger, PopReceipt receipt, CancellationToken cancellationToken)
    {
        using var running = new CancellationTokenSource();
        var renewals = RenewLeaseAsync(trigger.Id, receipt, running.Token, cancellationToken);
        try
        {
            // A scope per invocation, as the host's worker gives each: the function and what it takes are made in it.
            await using var scope = scopes.CreateAsyncScope();
            await function.Invoke(scope.ServiceProvider, trigger, cancellationToken);
        }
        finally
        {
            // A renewal in flight is finished, not cancelled: its new receipt is the one that can settle the message.
            await running.CancelAsync();
            await renewals.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task RenewLeaseAsync(string messageId, PopReceipt receipt, CancellationToken running, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(_messageLease / 2, running);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                var renewed = await _queue.UpdateMessageAsync(messageId, receipt.Value, visibilityTimeout: _messageLease, cancellationToken: stopping);
                receipt.Value = renewed.Value.PopReceipt;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // Deleted, or received by someone else after a renewal came too late: nothing left to hold.
                Log.LeaseLost(logger, function.Name, messageId);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                Log.RenewFailed(logger, function.Name, messageId, ex is RequestFailedException rfe ? rfe.Status : 0, ex.GetType().Name);
            }
        }
    }

    /// <summary>The newest pop receipt of a message being processed: every renewal replaces it, and only the newest can settle the message.</summary>
    private sealed class PopReceipt(string value)
    {
        public string Value { get; set; } = value;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{FunctionName} listening on queue {QueueName} (standalone mode, maxDequeueCount {MaxDequeueCount}).")]
        public static partial void Started(ILogger logger, string functionName, string queueName, int maxDequeueCount);

        [LoggerMessage(2, LogLevel.Warning, "Polling queue {QueueName} failed (status {Status}, {ErrorType}); retrying.")]
        public static partial void PollFailed(ILogger logger, string queueName, int status, string errorType);

        [LoggerMessage(3, LogLevel.Warning, "{FunctionName} failed for message {MessageId} (delivery {DequeueCount} of {MaxDequeueCount}).")]
        public static partial void RunFailed(ILogger logger, Exception exception, string functionName, string messageId, long dequeueCount, int maxDequeueCount);

        [LoggerMessage(4, LogLevel.Error, "{FunctionName}: message {MessageId} moved to {PoisonQueue} after {DequeueCount} deliveries.")]
        public static partial void MovedToPoison(ILogger logger, string functionName, string messageId, long dequeueCount, string poisonQueue);

        [LoggerMessage(5, LogLevel.Warning, "{FunctionName}: settling message {MessageId} failed (status {Status}, {ErrorType}); it will be delivered again.")]
        public static partial void SettleFailed(ILogger logger, string functionName, string messageId, int status, string errorType);

        [LoggerMessage(6, LogLevel.Error, "{FunctionName}: message {MessageId} on {QueueName} is not base64; moving it to {PoisonQueue} without running.")]
        public static partial void NotBase64(ILogger logger, string functionName, string messageId, string queueName, string poisonQueue);

        [LoggerMessage(7, LogLevel.Warning, "{FunctionName}: message {MessageId} on {QueueName} is not base64; handing its text to the function as it is.")]
        public static partial void NotBase64HandedOver(ILogger logger, string functionName, string messageId, string queueName);

        [LoggerMessage(8, LogLevel.Information, "{FunctionName}: message {MessageId} will be retried at {NextVisibleOn} (visibilityTimeout).")]
        public static partial void RetryAt(ILogger logger, string functionName, string messageId, string nextVisibleOn);

        [LoggerMessage(9, LogLevel.Warning, "{FunctionName}: the lease on message {MessageId} was lost while it ran; it may be delivered again.")]
        public static partial void LeaseLost(ILogger logger, string functionName, string messageId);

        [LoggerMessage(10, LogLevel.Warning, "{FunctionName}: renewing the lease on message {MessageId} failed (status {Status}, {ErrorType}); trying again.")]
        public static partial void RenewFailed(ILogger logger, string functionName, string messageId, int status, string errorType);
    }
}
