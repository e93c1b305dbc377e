using System.Globalization;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.Hosting;

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
