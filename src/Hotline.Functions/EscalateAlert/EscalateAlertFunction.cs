using Hotline.Escalation;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.EscalateAlert;

/// <summary>
/// Queue trigger on <c>escalation</c>: a step that is due (queued with a visibility delay of AckWithin), an
/// acknowledgement queued by the responder tool, or the notice to the others that someone acknowledged
/// (<see cref="AlertEscalator"/>). Throwing retries it; the EscalateOverdue timer backs up lost steps.
/// </summary>
internal sealed class EscalateAlertFunction(AlertEscalator escalator) : IQueueFunction
{
    public const string FunctionName = "EscalateAlert";

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => Escalations.QueueName;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(Escalations.QueueName, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var escalation = EscalationMessage.TryParse(message.Body)
            ?? throw new InvalidDataException($"Queue message {message.Id} is not an escalation message.");
        return escalator.HandleAsync(escalation, cancellationToken);
    }
}
