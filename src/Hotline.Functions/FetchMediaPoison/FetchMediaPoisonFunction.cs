using Hotline.Functions.Hosting;
using Hotline.Media;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.FetchMediaPoison;

/// <summary>
/// Queue trigger on <c>sms-media-poison</c>: a media job that kept failing must not fail silently. Every
/// responder is told (the receipt, no content) that media of the case is not stored and is still at Twilio.
/// </summary>
internal sealed class FetchMediaPoisonFunction(MediaFetcher fetcher) : IQueueFunction
{
    public const string FunctionName = "FetchMediaPoison";

    private const string PoisonQueue = StorageNames.MediaQueue + StorageNames.PoisonSuffix;

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => PoisonQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(PoisonQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return fetcher.Open(message.Id, message.Body) is { } job ? fetcher.NotifyPoisonedAsync(job, message.Id, cancellationToken) : Task.CompletedTask;
    }
}
