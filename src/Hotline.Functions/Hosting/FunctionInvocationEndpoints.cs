using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Functions.Hosting;

/// <summary>
/// The custom-handler contract for non-HTTP triggers: the Functions host posts
/// <c>{"Data": {binding: value}, "Metadata": {...}}</c> to <c>/{FunctionName}</c> and reads
/// <c>{"Outputs", "Logs", "ReturnValue"}</c> back; a non-2xx answer fails the invocation.
/// </summary>
public static partial class FunctionInvocationEndpoints
{
    public static IEndpointRouteBuilder MapQueueFunctions(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        foreach (var function in app.ServiceProvider.GetServices<IQueueFunction>())
        {
            app.MapPost("/" + function.Name, (HttpRequest request, ILoggerFactory loggers, CancellationToken ct) =>
                    InvokeAsync(function, request, loggers.CreateLogger(typeof(FunctionInvocationEndpoints)), ct))
                .WithName(function.Name + "Invocation")
                .DisableAntiforgery()
                .ExcludeFromDescription();
        }

        return app;
    }

    internal static async Task<Results<JsonHttpResult<InvocationResponse>, BadRequest<InvocationResponse>>> InvokeAsync(
        IQueueFunction function, HttpRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        QueueTriggerMessage message;
        try
        {
            using var payload = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            message = ReadQueueMessage(payload.RootElement, function.BindingName);
        }
        catch (Exception ex) when (ex is JsonException or InvalidDataException)
        {
            Log.BadInvocation(logger, function.Name);
            return TypedResults.BadRequest(InvocationResponse.Failed($"{function.Name}: the invocation payload is not a queue trigger payload."));
        }

        try
        {
            await function.RunAsync(message, cancellationToken);
            return TypedResults.Json(InvocationResponse.Succeeded(), FunctionsJsonContext.Default.InvocationResponse, statusCode: StatusCodes.Status200OK);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            Log.InvocationFailed(logger, ex, function.Name, message.Id, message.DequeueCount);
            return TypedResults.Json(InvocationResponse.Failed($"{function.Name} failed ({ex.GetType().Name})."), FunctionsJsonContext.Default.InvocationResponse, statusCode: StatusCodes.Status500InternalServerError);
        }
    }

    /// <summary>Reads the trigger's message from an invocation payload of the documented shape.</summary>
    internal static QueueTriggerMessage ReadQueueMessage(JsonElement payload, string bindingName)
    {
        if (payload.ValueKind != JsonValueKind.Object
            || !TryGetProperty(payload, "Data", out var data) || data.ValueKind != JsonValueKind.Object
            || !TryGetProperty(data, bindingName, out var value))
        {
            throw new InvalidDataException("No Data." + bindingName);
        }

        var metadata = TryGetProperty(payload, "Metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var body = DecodeValue(value);
        var id = ReadString(metadata, "Id") ?? string.Empty;
        var dequeueCount = long.TryParse(ReadString(metadata, "DequeueCount"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 1;
        DateTimeOffset? insertedOn = DateTimeOffset.TryParse(ReadString(metadata, "InsertionTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        return new QueueTriggerMessage(id, body, dequeueCount, insertedOn);
    }

    /// <summary>
    /// The host hands a queue message over as a JSON string, and string values are JSON-encoded once
    /// more (<c>"\"{...}\""</c>); a JSON message may also arrive as an object. Peel string layers
    /// until the text is no longer a JSON string literal.
    /// </summary>
    internal static string DecodeValue(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? value.GetRawText() : value.ToString();
        }

        var text = value.GetString() ?? string.Empty;
        for (var depth = 0; depth < 3 && text.Length >= 2 && text[0] == '"' && text[^1] == '"'; depth++)
        {
            try
            {
                text = JsonSerializer.Deserialize(text, FunctionsJsonContext.Default.String) ?? string.Empty;
            }
            catch (JsonException)
            {
                break;
            }
        }

        return text;
    }

    private static string? ReadString(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !TryGetProperty(obj, name, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String ? DecodeValue(value) : value.ValueKind == JsonValueKind.Null ? null : value.GetRawText();
    }

    // The host's payload casing has varied between versions: match names case-insensitively.
    private static bool TryGetProperty(JsonElement obj, string name, out JsonElement value)
    {
        if (obj.TryGetProperty(name, out value))
        {
            return true;
        }

        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }

    /// <summary>The custom handler's answer to the host.</summary>
    public sealed record InvocationResponse(
        [property: JsonPropertyName("Outputs")] IReadOnlyDictionary<string, object?> Outputs,
        [property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs,
        [property: JsonPropertyName("ReturnValue")] object? ReturnValue)
    {
        public static InvocationResponse Succeeded() => new(new Dictionary<string, object?>(), [], null);

        public static InvocationResponse Failed(string log) => new(new Dictionary<string, object?>(), [log], null);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "{FunctionName}: the host's invocation payload could not be read.")]
        public static partial void BadInvocation(ILogger logger, string functionName);

        [LoggerMessage(2, LogLevel.Error, "{FunctionName} failed for message {MessageId} (delivery {DequeueCount}).")]
        public static partial void InvocationFailed(ILogger logger, Exception exception, string functionName, string messageId, long dequeueCount);
    }
}
