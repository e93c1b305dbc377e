using Hotline.Functions;
using Hotline.Functions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// The real app (HotlineApp, the same code Program.cs runs) on Kestrel at a free loopback port,
/// with test settings and a log capture. Tests talk to it over real HTTP.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, LogCapture logs)
    {
        App = app;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        Http = new HttpClient { BaseAddress = BaseAddress };
    }

    public WebApplication App { get; }

    public LogCapture Logs { get; }

    public Uri BaseAddress { get; }

    public HttpClient Http { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>
    /// Settings every test app gets: storage on the given Azurite and no other dependencies. The
    /// dispatch listeners and the digest timer are off: the "triage" queue is shared by every app on one
    /// Azurite, and a test app must not take (and page for) another test's messages. Dispatch tests turn them on.
    /// </summary>
    public static Dictionary<string, string?> BaseSettings(string storageConnectionString) => new()
    {
        ["AzureWebJobsStorage"] = storageConnectionString,
        ["Hotline:PublicKeyPem"] = TestKeys.PublicKeyPem,
        ["Hotline:PhonePepper"] = TestKeys.PhonePepper,
        ["Hotline:RateLimit:PerMinute"] = "0",
        ["Hotline:RateLimit:RefusalsPerMinute"] = "0",
        ["Hotline:RateLimit:NetworkPerMinute"] = "0",
        ["Hotline:RateLimit:SitePerMinute"] = "0",
        ["AzureWebJobs:DispatchTriage:Disabled"] = "true",
        ["AzureWebJobs:DispatchTriagePoison:Disabled"] = "true",

        // The surge digest counts alerts in storage that test apps share: dispatch tests that want it turn it on.
        ["Hotline:Dispatch:DigestAfter"] = "0",
        ["AzureWebJobs:DispatchDigest:Disabled"] = "true",
        ["AzureWebJobs:SweepUntriaged:Disabled"] = "true",

        // Retention deletes cases of every app on one Azurite: tests that want it run it.
        ["AzureWebJobs:ExpireCases:Disabled"] = "true",

        // Escalation steps take from the "escalation" queue every app on one Azurite shares: tests that want them invoke them.
        ["AzureWebJobs:EscalateAlert:Disabled"] = "true",
        ["AzureWebJobs:EscalateAlertPoison:Disabled"] = "true",
        ["AzureWebJobs:EscalateOverdue:Disabled"] = "true",

        // Deleting Twilio's copies takes from a queue every app on one Azurite shares: tests that want it turn it on.
        ["AzureWebJobs:DeleteProviderCopy:Disabled"] = "true",
        ["AzureWebJobs:FetchMedia:Disabled"] = "true",
        ["AzureWebJobs:FetchMediaPoison:Disabled"] = "true",
    };

    /// <summary>
    /// Starts the app and waits until its containers and queues exist (the app creates them in the
    /// background once it has started), so a test's first request finds them.
    /// </summary>
    public static async Task<TestApp> StartAsync(
        IDictionary<string, string?> settings,
        LogCapture? logs = null,
        Action<IServiceCollection, IConfiguration>? configureServices = null,
        Action<IServiceCollection>? afterApp = null,
        CancellationToken cancellationToken = default)
    {
        var app = await StartBeforeStorageIsReadyAsync(settings, logs, configureServices, afterApp, cancellationToken);
        var storage = app.Services.GetServices<IHostedService>().OfType<StorageInitializer>().Single();
        try
        {
            await storage.Ready.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch (TimeoutException ex)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException("The test app's storage did not become ready (containers and queues) within 60 s.", ex);
        }

        return app;
    }

    /// <summary>Starts the app and returns as soon as it serves HTTP, whether or not storage is ready.</summary>
    public static async Task<TestApp> StartBeforeStorageIsReadyAsync(
        IDictionary<string, string?> settings,
        LogCapture? logs = null,
        Action<IServiceCollection, IConfiguration>? configureServices = null,
        Action<IServiceCollection>? afterApp = null,
        CancellationToken cancellationToken = default)
    {
        var app = Build(settings, logs ??= new LogCapture(), configureServices, afterApp);
        await app.StartAsync(cancellationToken);
        return new TestApp(app, logs);
    }

    /// <summary>
    /// Builds without starting: for tests that expect start-up to fail. <paramref name="afterApp"/> registers after
    /// the app's own services, as an exporter must come after the app's telemetry processors.
    /// </summary>
    public static WebApplication Build(IDictionary<string, string?> settings, LogCapture logs, Action<IServiceCollection, IConfiguration>? configureServices = null, Action<IServiceCollection>? afterApp = null)
    {
        var builder = HotlineApp.CreateBuilder(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(settings);
            b.Logging.AddProvider(logs);
            b.Logging.AddProvider(LogCapture.WholeRun);
            b.Logging.AddFilter<LogCapture>("Hotline", LogLevel.Trace);

            // The captures hold every line; the host's console logger would only write them again to the runner's
            // output (dotnet test drops it; the xunit executable that --fast runs prints it).
            foreach (var console in b.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider)).ToList())
            {
                b.Services.Remove(console);
            }

            configureServices?.Invoke(b.Services, b.Configuration);
        });
        afterApp?.Invoke(builder.Services);
        return HotlineApp.Build(builder);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
