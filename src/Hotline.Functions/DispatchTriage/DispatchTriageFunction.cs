using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.DispatchTriage;

/// <summary>
/// Queue trigger on <c>triage</c>: pages the responders on call. Throwing fails the invocation, so the
/// message is retried and finally lands in <c>triage-poison</c>.
/// </summary>
internal sealed class DispatchTriageFunction(TriageDispatcher dispatcher) : IQueueFunction
{
    public const string FunctionName = "DispatchTriage";

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => StorageNames.TriageQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(StorageNames.TriageQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        dispatcher.DispatchAlertAsync(message, cancellationToken);
}
