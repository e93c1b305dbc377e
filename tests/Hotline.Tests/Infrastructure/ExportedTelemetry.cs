using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// What an app would export to Application Insights: exporters registered after the app's own telemetry pipeline
/// (pass <see cref="AddTo"/> as <see cref="TestApp.StartAsync"/>'s <c>afterApp</c>), as the Azure Monitor exporter
/// is, so everything they receive has been through the app's privacy processors. Each item is kept as text.
/// </summary>
public sealed class ExportedTelemetry
{
    private readonly ConcurrentQueue<string> _spans = new();
    private readonly ConcurrentQueue<string> _logs = new();
    private readonly SnapshotList _metrics = [];
    private readonly string[] _sources;

    /// <param name="sources">Activity sources to listen to besides ASP.NET Core's.</param>
    public ExportedTelemetry(params string[] sources) => _sources = ["Microsoft.AspNetCore", .. sources];

    public IReadOnlyCollection<string> Spans => _spans;

    public IReadOnlyCollection<string> Logs => _logs;

    /// <summary>Every snapshot of the metrics exported so far (cumulative: a later one counts everything before it).</summary>
    public IReadOnlyList<MetricSnapshot> Metrics => _metrics.ToArraySafely();

    public void AddTo(IServiceCollection services) =>
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(_sources).AddProcessor(new SimpleActivityExportProcessor(new TextExporter<Activity>(_spans, SpanText))))
            .WithLogging(logging => logging.AddProcessor(new SimpleLogRecordExportProcessor(new TextExporter<LogRecord>(_logs, LogText))))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(_metrics));

    /// <summary>Flushes the app's providers and returns every span, log record and metric (names and tags) exported so far.</summary>
    public string Flush(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetRequiredService<TracerProvider>().ForceFlush();
        services.GetRequiredService<LoggerProvider>().ForceFlush();
        services.GetRequiredService<MeterProvider>().ForceFlush();
        var metrics = Metrics.SelectMany(MetricText);
        return string.Join('\n', _spans.Concat(_logs).Concat(metrics));
    }

    public static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private static IEnumerable<string> MetricText(MetricSnapshot metric) =>
        metric.MetricPoints.Select(point => metric.Name + " " + string.Join(", ", Tags(point).Select(t => $"{t.Key}={t.Value}"))).Prepend(metric.Name);

    private static string SpanText(Activity span) =>
        $"{span.DisplayName} [{string.Join(", ", span.TagObjects.Select(t => $"{t.Key}={t.Value}"))}] {span.StatusDescription} {string.Join(' ', span.Events.SelectMany(e => e.Tags.Select(t => $"{t.Key}={t.Value}")))}";

    private static string LogText(LogRecord log)
    {
        var text = new StringBuilder().Append(log.CategoryName).Append(' ').Append(log.FormattedMessage).Append(' ').Append(log.Body);
        foreach (var attribute in log.Attributes ?? [])
        {
            text.Append(' ').Append(attribute.Key).Append('=').Append(attribute.Value);
        }

        log.ForEachScope(
            static (scope, text) =>
            {
                foreach (var item in scope)
                {
                    text.Append(' ').Append(item.Key).Append('=').Append(item.Value);
                }
            },
            text);
        return text.Append(' ').Append(log.Exception?.Message).Append(' ').Append(log.Exception?.StackTrace).ToString();
    }

    /// <summary>The in-memory exporter adds from the metric reader's thread while a test reads.</summary>
    private sealed class SnapshotList : System.Collections.ObjectModel.Collection<MetricSnapshot>
    {
        private readonly Lock _lock = new();

        public MetricSnapshot[] ToArraySafely()
        {
            lock (_lock)
            {
                return [.. this];
            }
        }

        protected override void InsertItem(int index, MetricSnapshot item)
        {
            lock (_lock)
            {
                base.InsertItem(index, item);
            }
        }
    }

    /// <summary>Turns each exported item into text at export time: the SDK reuses log records after export.</summary>
    private sealed class TextExporter<T>(ConcurrentQueue<string> sink, Func<T, string> format) : BaseExporter<T>
        where T : class
    {
        public override ExportResult Export(in Batch<T> batch)
        {
            foreach (var item in batch)
            {
                sink.Enqueue(format(item));
            }

            return ExportResult.Success;
        }
    }
}
