namespace Hotline.Functions.Hosting;

/// <summary>
/// A queue-triggered function. One class serves both hosts: its <c>[Function]</c> method (the Functions
/// host's trigger, through the worker) and the standalone <see cref="QueueListener"/>. Either host creates
/// it per invocation, its services by constructor from that invocation's scope. Throwing fails the
/// invocation, so the message is retried and, after <c>maxDequeueCount</c> deliveries, moved to the
/// poison queue.
/// </summary>
public interface IQueueFunction
{
    /// <summary>The function's name: its <c>[Function]</c> name and its <c>AzureWebJobs__{Name}__Disabled</c> switch.</summary>
    static abstract string Name { get; }

    /// <summary>The queue the trigger reads, as its <c>[QueueTrigger]</c> writes it: a name, or <c>%Setting%</c>.</summary>
    static abstract string QueueName { get; }

    Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken);
}
