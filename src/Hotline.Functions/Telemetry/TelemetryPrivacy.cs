using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Logs;

namespace Hotline.Functions.Telemetry;

/// <summary>
/// What may leave the process as telemetry. An allow-list, applied before any exporter: a span keeps only the tags
/// that name what ran and how it ended (method, route, status, the function's name and trigger), never a query
/// string, a full URL, a client address, a header or a message id a client chose; a span that recorded an
/// exception is not exported at all (its message may quote a body), the log line about it is. A log keeps its
/// message (the app logs names, not values: see the privacy scans) and loses its exception's message.
/// </summary>
internal static class TelemetryPrivacy
{
    /// <summary>Span tags that say what ran and how it ended, and nothing a client sent.</summary>
    private static readonly HashSet<string> SpanTags = new(StringComparer.Ordinal)
    {
        "http.request.method", "http.response.status_code", "http.route", "url.scheme", "server.address", "server.port",
        "error.type", "otel.status_code", "faas.trigger", "faas.name", "faas.execution", "faas.invocation_id",
        "faas.coldstart", "az.schema_url", "rpc.system",
    };

    /// <summary>Log categories whose messages are written to hold names, not values: ours, and the worker's and host's own lifecycle.</summary>
    private static readonly string[] LogCategories = ["Hotline", "Microsoft.Azure.Functions.Worker", "Microsoft.Hosting.Lifetime", "Function."];

    public static bool IsExportedCategory(string? category) =>
        category is not null && LogCategories.Any(c => category.StartsWith(c, StringComparison.Ordinal));

    public static bool IsAllowedSpanTag(string key) => SpanTags.Contains(key);

    /// <summary>Strips a finished span to the allowed tags; drops it when it carries an exception event.</summary>
    internal sealed class SpanProcessor : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            ArgumentNullException.ThrowIfNull(data);
            foreach (var key in data.TagObjects.Select(t => t.Key).Where(k => !IsAllowedSpanTag(k)).ToList())
            {
                data.SetTag(key, null);
            }

            // A span's name can be a raw path for a request no route matched: keep the method alone then.
            if (!data.TagObjects.Any(t => t.Key == "http.route") && data.TagObjects.FirstOrDefault(t => t.Key == "http.request.method").Value is string method)
            {
                data.DisplayName = method;
            }

            // An error's description is the exception's message: the status code says enough.
            data.SetStatus(data.Status);
            if (data.Events.Any())
            {
                // Events cannot be removed from a span, and an exception event holds the exception's message.
                data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            }
        }
    }

    /// <summary>Replaces a log's exception by one that names its type and keeps its stack, without its message.</summary>
    internal sealed class LogProcessor : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord data)
        {
            ArgumentNullException.ThrowIfNull(data);
            if (data.Exception is { } exception and not RedactedException)
            {
                data.Exception = new RedactedException(exception);
            }
        }
    }

    /// <summary>An exception as telemetry may show it: its type and stack trace (code, not data), no message.</summary>
    internal sealed class RedactedException(Exception original) : Exception($"{original.GetType().FullName} (message not exported)")
    {
        public override string? StackTrace { get; } = original.StackTrace;
    }
}
