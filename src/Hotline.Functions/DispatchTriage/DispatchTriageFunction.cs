using Hotline.Dispatch;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.DispatchTriage;

/// <summary>
/// Queue trigger on <c>triage</c>: pages the responders on call (<see cref="TriageDispatcher"/>). Throwing fails the
/// invocation, so the message is retried and finally lands in <c>triage-poison</c>; a message that is not a
/// well-formed triage message goes there too, and its notice tells the responders.
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

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var triage = AlertFacts.TryReadTriage(message.Body)
            ?? throw new InvalidDataException($"Queue message {message.Id} is not a triage message; it will end in the poison queue and raise a notice.");
        return dispatcher.DispatchAlertAsync(triage, message.DequeueCount, cancellationToken);
    }
}
