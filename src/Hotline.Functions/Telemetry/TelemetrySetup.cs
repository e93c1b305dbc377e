using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Hotline.Diagnostics;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Hotline.Functions.Telemetry;

/// <summary>
/// Telemetry through OpenTelemetry, exported to Application Insights by the Azure Monitor exporter when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, authenticated with the app's managed identity (the
/// resource has local auth off). The worker's OpenTelemetry package adds the function invocations under the
/// Functions host. Everything passes <see cref="TelemetryPrivacy"/> before any exporter sees it.
/// </summary>
internal static class TelemetrySetup
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The Functions convention for Entra auth to Application Insights: <c>ClientId=...;Authorization=AAD</c>.</summary>
    public const string AuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static void AddHotlineTelemetry(this IServiceCollection services, ILoggingBuilder logging, IConfiguration configuration, bool worker)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(logging);
        ArgumentNullException.ThrowIfNull(configuration);

        // Only categories that log names reach the exporter; framework categories may log URLs and addresses.
        logging.AddFilter<OpenTelemetryLoggerProvider>((category, level) => level >= LogLevel.Information && TelemetryPrivacy.IsExportedCategory(category));

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("hotline"))
            .WithMetrics(metrics => metrics.AddMeter(HotlineMetrics.MeterName))
            .WithTracing(tracing => tracing.AddProcessor(new TelemetryPrivacy.SpanProcessor()))
            .WithLogging(log => log.AddProcessor(new TelemetryPrivacy.LogProcessor()), options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = false;
            });
        if (worker)
        {
            telemetry.UseFunctionsWorkerDefaults();
        }

        var connectionString = configuration[ConnectionStringSetting];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = connectionString;
                options.Credential = Credential(configuration[AuthenticationSetting]);

                // Live Metrics streams samples of requests and exceptions past the processors above.
                options.EnableLiveMetrics = false;
            });
        }
    }

    /// <summary>The managed identity the authentication string names; the system-assigned one without a client id.</summary>
    private static ManagedIdentityCredential Credential(string? authentication)
    {
        var clientId = authentication?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(kv => kv.Length == 2 && kv[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1];
        return string.IsNullOrWhiteSpace(clientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
