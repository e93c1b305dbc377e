namespace Hotline.Functions.Hosting;

/// <summary>
/// A queue-triggered function. One handler serves both modes: the Functions host's invocation
/// (<c>POST /{Name}</c>, see <see cref="FunctionInvocationEndpoints"/>) and the standalone
/// <see cref="QueueListener"/>. Throwing fails the invocation, so the message is retried and,
/// after <c>maxDequeueCount</c> attempts, moved to the poison queue.
/// </summary>
public interface IQueueFunction
{
    /// <summary>The function's name: its folder, its invocation path, and its <c>AzureWebJobs__{Name}__Disabled</c> switch.</summary>
    string Name { get; }

    /// <summary>The queue the trigger reads.</summary>
    string QueueName { get; }

    /// <summary>The <c>name</c> of the <c>queueTrigger</c> binding in function.json: the key of the message in the invocation's <c>Data</c>.</summary>
    string BindingName { get; }

    Task RunAsync(QueueTriggerMessage message, CancellationToken cancellationToken);
}

/// <summary>One delivery of a queue message, as either mode sees it.</summary>
/// <param name="Id">The queue message id.</param>
/// <param name="Body">The decoded message text (base64 already removed).</param>
/// <param name="DequeueCount">How many times the message has been delivered, this time included.</param>
/// <param name="InsertedOn">When the message was enqueued, if known.</param>
public sealed record QueueTriggerMessage(string Id, string Body, long DequeueCount, DateTimeOffset? InsertedOn);
