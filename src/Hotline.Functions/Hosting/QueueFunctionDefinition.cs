namespace Hotline.Functions.Hosting;

/// <summary>A registered queue function, as the standalone listener (and the storage initializer) sees it.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="QueueName">The queue as the trigger writes it (the metadata's <c>queueName</c>).</param>
/// <param name="ResolvedQueueName">The queue read: <paramref name="QueueName"/> with each <c>%Setting%</c> replaced by its value.</param>
/// <param name="Invoke">Creates the function from an invocation's services and runs it on one message.</param>
public sealed record QueueFunctionDefinition(
    string Name,
    string QueueName,
    string ResolvedQueueName,
    Func<IServiceProvider, QueueTriggerMessage, CancellationToken, Task> Invoke);
