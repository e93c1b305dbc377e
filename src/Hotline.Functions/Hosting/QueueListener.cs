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
/// to <c>&lt;queue&gt;-poison</c> with no expiry.
/// </summary>
internal sealed partial class QueueListener(
    IQueueFunction function,
    HotlineStorage storage,
    IOptions<QueueTriggerOptions> options,
    ILogger<QueueListener> logger) : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly QueueTriggerOptions _options = options.Value;
    private readonly QueueClient _queue = storage.Queue(function.QueueName);
    private readonly QueueClient _poison = storage.Queue(function.QueueName + StorageNames.PoisonSuffix);

    public string FunctionName => function.Name;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Started(logger, function.Name, function.QueueName, _options.MaxDequeueCount);
        var wait = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage[] batch;
            try
            {
                batch = (await _queue.ReceiveMessagesAsync(_options.BatchSize, _options.MessageLease, stoppingToken)).Value;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                Log.PollFailed(logger, function.QueueName, ex is RequestFailedException rfe ? rfe.Status : 0, ex.GetType().Name);
                await Delay(_options.MaxPollingInterval, stoppingToken);
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
            await Parallel.ForEachAsync(
                batch,
                new ParallelOptions { MaxDegreeOfParallelism = _options.BatchSize, CancellationToken = stoppingToken },
                async (message, ct) => await ProcessAsync(message, ct));
        }
    }

    private async Task ProcessAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (message.DequeueCount > _options.MaxDequeueCount)
            {
                // Delivered more often than allowed without a verdict (a crash mid-run): never run it again.
                await MoveToPoisonAsync(message, cancellationToken);
                return;
            }

            try
            {
                await function.RunAsync(new QueueTriggerMessage(message.MessageId, message.Body.ToString(), message.DequeueCount, message.InsertedOn), cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                Log.RunFailed(logger, ex, function.Name, message.MessageId, message.DequeueCount, _options.MaxDequeueCount);
                if (message.DequeueCount >= _options.MaxDequeueCount)
                {
                    await MoveToPoisonAsync(message, cancellationToken);
                }
                else
                {
                    await _queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: _options.VisibilityTimeout, cancellationToken: cancellationToken);
                }

                return;
            }

            await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The lease expires and the message comes back: nothing is lost, so log and move on.
            Log.SettleFailed(logger, function.Name, message.MessageId, ex is RequestFailedException rfe ? rfe.Status : 0, ex.GetType().Name);
        }
    }

    private async Task MoveToPoisonAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        // TTL -1: a poison message must wait for a person, however long that takes.
        await _poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await _poison.SendMessageAsync(message.Body, visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken);
        await _queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
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
    }
}
