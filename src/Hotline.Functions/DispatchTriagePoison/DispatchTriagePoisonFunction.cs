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
internal sealed class DispatchTriagePoisonFunction(IServiceProvider services) : IQueueFunction
{
    public const string FunctionName = "DispatchTriagePoison";

    public string Name => FunctionName;

    public string QueueName => StorageNames.TriagePoisonQueue;

    public string BindingName => "message";

    // Resolved on first run, not at construction: MapQueueFunctions builds every function while the
    // endpoints are mapped, before start-up validation, and the dispatcher's storage would turn a
    // clear "setting X is missing" into an error from inside the container.
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        services.GetRequiredService<TriageDispatcher>().DispatchUndeliveredNoticeAsync(message, cancellationToken);
}
