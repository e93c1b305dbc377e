using Hotline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.Health;

/// <summary><c>GET /api/health</c>: 200 when blob and queue storage answer, 503 otherwise.</summary>
internal sealed partial class HealthFunction(HotlineStorage storage, ILogger<HealthFunction> logger)
{
    public const string Name = "Health";

    private static readonly TimeSpan CheckBudget = TimeSpan.FromSeconds(3);

    [Function(Name)]
    public async Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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
            Log.Unhealthy(logger, report.Blob, report.Queue);
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
