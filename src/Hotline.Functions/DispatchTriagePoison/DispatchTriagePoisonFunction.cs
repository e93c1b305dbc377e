using Hotline.Functions.DispatchTriage;
using Hotline.Functions.Hosting;
using Hotline.Storage;

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

    public string Name => FunctionName;

    public string QueueName => StorageNames.TriagePoisonQueue;

    public string BindingName => "message";

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        dispatcher.DispatchUndeliveredNoticeAsync(message, cancellationToken);
}
