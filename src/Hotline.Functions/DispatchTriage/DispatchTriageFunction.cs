using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.DispatchTriage;

/// <summary>
/// Queue trigger on <c>triage</c>: pages the responders on call. Throwing fails the invocation, so the
/// message is retried and finally lands in <c>triage-poison</c>.
/// </summary>
internal sealed class DispatchTriageFunction(IServiceProvider services) : IQueueFunction
{
    public const string FunctionName = "DispatchTriage";

    string IQueueFunction.Name => FunctionName;

    string IQueueFunction.QueueName => StorageNames.TriageQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(StorageNames.TriageQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    // Resolved on first run, not at construction: the standalone listener builds its function before
    // start-up validation, and the dispatcher's storage would turn a clear "setting X is missing" into
    // an error from inside the container.
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        services.GetRequiredService<TriageDispatcher>().DispatchAlertAsync(message, cancellationToken);
}
