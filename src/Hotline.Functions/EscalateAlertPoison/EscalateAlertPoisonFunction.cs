using Hotline.Escalation;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.EscalateAlertPoison;

/// <summary>
/// Queue trigger on <c>escalation-poison</c>: an escalation message that failed <c>maxDequeueCount</c> times must not
/// wait there unseen (<see cref="AlertEscalator.HandlePoisonedAsync"/>). If even this fails, it is retried and finally
/// left in <c>escalation-poison-poison</c>, with an error in the log.
/// </summary>
internal sealed class EscalateAlertPoisonFunction(AlertEscalator escalator) : IQueueFunction
{
    public const string FunctionName = "EscalateAlertPoison";

    private const string PoisonQueue = Escalations.QueueName + StorageNames.PoisonSuffix;

    static string IQueueFunction.Name => FunctionName;

    static string IQueueFunction.QueueName => PoisonQueue;

    [Function(FunctionName)]
    public Task Run(
        [QueueTrigger(PoisonQueue, Connection = StorageNames.ConnectionSetting)] string message,
        FunctionContext context,
        CancellationToken cancellationToken) => RunAsync(QueueTriggerMessage.FromWorker(message, context), cancellationToken);

    public Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return escalator.HandlePoisonedAsync(message.Id, message.Body, cancellationToken);
    }
}
