using Hotline.Dispatch;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.DispatchTriagePoison;

/// <summary>
/// Queue trigger on <c>triage-poison</c>: an alert that failed <c>maxDequeueCount</c> times must not
/// fail silently, so every responder is told (by SMS and webhook, with the receipt and no content)
/// to open the case in the responder tool. If even this fails, the message is retried and finally
/// left in <c>triage-poison-poison</c>, with an error in the log.
/// </summary>
internal sealed class DispatchTriagePoisonFunction(TriageDispatcher dispatcher) : IQueueFunction
{
    public const string FunctionName = "DispatchTriagePoison";

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => StorageNames.TriagePoisonQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(StorageNames.TriagePoisonQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return dispatcher.DispatchUndeliveredNoticeAsync(PoisonedAlert.Read(message.Id, message.Body), cancellationToken);
    }
}
