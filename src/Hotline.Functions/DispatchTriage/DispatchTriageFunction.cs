using Hotline.Functions.Hosting;
using Hotline.Storage;

namespace Hotline.Functions.DispatchTriage;

/// <summary>
/// Queue trigger on <c>triage</c>: pages the responders on call. One handler for both modes
/// (<c>POST /DispatchTriage</c> from the Functions host, or the standalone listener); throwing
/// fails the invocation, so the message is retried and finally lands in <c>triage-poison</c>.
/// </summary>
internal sealed class DispatchTriageFunction(IServiceProvider services) : IQueueFunction
{
    public const string FunctionName = "DispatchTriage";

    public string Name => FunctionName;

    public string QueueName => StorageNames.TriageQueue;

    public string BindingName => "message";

    // Resolved on first run, not at construction: MapQueueFunctions builds every function while the
    // endpoints are mapped, before start-up validation, and the dispatcher's storage would turn a
    // clear "setting X is missing" into an error from inside the container.
    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken) =>
        services.GetRequiredService<TriageDispatcher>().DispatchAlertAsync(message, cancellationToken);
}
