using Hotline.Functions.Hosting;
using Hotline.Storage;

namespace Hotline.Functions.DispatchTriage;

/// <summary>
/// Queue trigger on <c>triage</c>: pages the responders on call. One handler for both modes
/// (<c>POST /DispatchTriage</c> from the Functions host, or the standalone listener); throwing
/// fails the invocation, so the message is retried and finally lands in <c>triage-poison</c>.
/// </summary>
internal sealed class DispatchTriageFunction(TriageDispatcher dispatcher) : IQueueFunction
{
    public const string FunctionName = "DispatchTriage";

    public string Name => FunctionName;

    public string QueueName => StorageNames.TriageQueue;

    public string BindingName => "message";

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        dispatcher.DispatchAlertAsync(message, cancellationToken);
}
