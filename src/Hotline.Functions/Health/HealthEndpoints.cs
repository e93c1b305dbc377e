using Hotline.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Hotline.Functions.Health;

/// <summary><c>GET /api/health</c>: 200 when blob and queue storage answer, 503 otherwise.</summary>
public static partial class HealthEndpoints
{
    private static readonly TimeSpan CheckBudget = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/health", CheckAsync).WithName("Health");
        return app;
    }

    internal static async Task<JsonHttpResult<HealthReport>> CheckAsync(HotlineStorage storage, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(CheckBudget);
        var blob = ProbeAsync(() => storage.Tips.GetPropertiesAsync(cancellationToken: budget.Token));
        var queue = ProbeAsync(() => storage.Queue(StorageNames.TriageQueue).GetPropertiesAsync(budget.Token));
        var report = new HealthReport(
            await blob && await queue ? "healthy" : "unhealthy",
            await blob ? "ok" : "unreachable",
            await queue ? "ok" : "unreachable");
        if (report.Status != "healthy")
        {
            Log.Unhealthy(loggers.CreateLogger(typeof(HealthEndpoints)), report.Blob, report.Queue);
        }

        return TypedResults.Json(report, FunctionsJsonContext.Default.HealthReport, statusCode: report.Status == "healthy" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<bool> ProbeAsync(Func<Task> probe)
    {
        try
        {
            await probe();
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    public sealed record HealthReport(string Status, string Blob, string Queue);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Health check failed: blob {Blob}, queue {Queue}.")]
        public static partial void Unhealthy(ILogger logger, string blob, string queue);
    }
}
