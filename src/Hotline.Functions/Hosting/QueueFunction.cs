using System.Globalization;
using Microsoft.Azure.Functions.Worker;

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

/// <summary>One delivery of a queue message, as either host sees it.</summary>
/// <param name="Id">The queue message id.</param>
/// <param name="Body">The decoded message text (base64 already removed).</param>
/// <param name="DequeueCount">How many times the message has been delivered, this time included.</param>
/// <param name="InsertedOn">When the message was enqueued, if known.</param>
public sealed record QueueTriggerMessage(string Id, string Body, long DequeueCount, DateTimeOffset? InsertedOn)
{
    /// <summary>
    /// The message as the worker hands it over: the text, and the queue trigger's metadata
    /// (<c>Id</c>, <c>DequeueCount</c>, <c>InsertionTime</c>) from the invocation's binding data.
    /// </summary>
    public static QueueTriggerMessage FromWorker(string body, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = context.BindingContext.BindingData;
        var id = Text(data, "Id") ?? string.Empty;
        var dequeueCount = long.TryParse(Text(data, "DequeueCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;
        DateTimeOffset? insertedOn = DateTimeOffset.TryParse(Text(data, "InsertionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new QueueTriggerMessage(id, body ?? string.Empty, dequeueCount, insertedOn);
    }

    // Binding data arrives as JSON text from the host: a string value is quoted, a number is not.
    private static string? Text(IReadOnlyDictionary<string, object?> data, string name) =>
        data.TryGetValue(name, out var value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture)?.Trim('"')
            : null;
}
