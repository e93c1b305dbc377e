using Hotline.Functions.Hosting;
using Hotline.Media;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.FetchMedia;

/// <summary>
/// Queue trigger on <c>sms-media</c>: fetches an MMS's media from Twilio and encrypts it into the case. Failures
/// worth another try are retried by the fetcher itself, with back-off; what still throws (storage down) is
/// retried by the host and finally poisoned, which tells the responders.
/// </summary>
internal sealed class FetchMediaFunction(MediaFetcher fetcher) : IQueueFunction
{
    public const string FunctionName = "FetchMedia";

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => StorageNames.MediaQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(StorageNames.MediaQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return fetcher.Open(message.Id, message.Body) is { } job ? fetcher.FetchAsync(job, cancellationToken) : Task.CompletedTask;
    }
}
