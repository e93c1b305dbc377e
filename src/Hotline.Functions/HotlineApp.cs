using Hotline.FollowUp;
using Hotline.Functions.DeleteProviderCopy;
using Hotline.Dispatch;
using Hotline.Functions.DispatchTriage;
using Hotline.Functions.FetchMedia;
using Hotline.Functions.Hosting;
using Hotline.Functions.Http;
using Hotline.Functions.Intake;
using Hotline.Functions.ExpireCases;
using Hotline.Functions.SweepUntriaged;
using Hotline.Functions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Functions;

/// <summary>
/// Builds the app for either host. Program.cs picks the host from the process's switches
/// (<see cref="HostingMode"/>); tests build the standalone app with their own settings.
/// </summary>
public static class HotlineApp
{
    /// <summary>Standalone: ASP.NET Core serves the HTTP functions and in-process listeners run the queue functions.</summary>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Content root = the app's folder (appsettings.json, host.json), as under the Functions host;
        // local.settings.json is looked up in the working directory, as Core Tools do.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        AddConfiguration(builder.Configuration, builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        configure?.Invoke(builder);
        HostingMode.ConfigureStandaloneUrls(builder);
        AddServices(builder.Services, builder.Configuration, new HostingMode(HostKind.Standalone, VerifyOnly: false, args));
        builder.Services.AddHotlineTelemetry(builder.Logging, builder.Configuration, worker: false);
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();

        // Routing first, so the policies know which function a request is for; the policies outermost
        // after that, so their headers and error answers cover every response, 404s included.
        app.UseRouting();
        app.UseHttpPolicies();
        app.UseStatusCodePages();
        app.MapHttpFunctions(app.Configuration);
        return app;
    }

    /// <summary>Under the Functions host: the isolated worker with ASP.NET Core integration.</summary>
    internal static IHost BuildWorker(HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var builder = FunctionsApplication.CreateBuilder(mode.AppArgs);
        builder.ConfigureFunctionsWebApplication();
        AddConfiguration(builder.Configuration, builder.Logging);
        AddServices(builder.Services, builder.Configuration, mode);
        builder.Services.AddHotlineTelemetry(builder.Logging, builder.Configuration, worker: true);
        builder.UseMiddleware<WorkerHttpMiddleware>();
        if (mode.VerifyOnly)
        {
            builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        }

        return builder.Build();
    }

    private static void AddConfiguration(IConfigurationManager configuration, ILoggingBuilder logging)
    {
        configuration.AddFunctionsFiles(Directory.GetCurrentDirectory());
        KeyVaultConfigurationSource.AddIfConfigured(configuration);
        AddPrivacyLogFilters(logging);
        StartupLogFilter.AddTo(logging);
    }

    /// <summary>Everything the functions need, the same under both hosts.</summary>
    private static void AddServices(IServiceCollection services, IConfiguration configuration, HostingMode mode)
    {
        services.TryAddSingleton(mode);
        services.AddSettingConversionFailures();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FunctionsJsonContext.Default));
        services.AddHotlineStorage(configuration);
        services.AddOptions<QueueTriggerOptions>().BindConfiguration(QueueTriggerOptions.SectionName).ValidateOnStartWith<QueueTriggerOptions, QueueTriggerOptionsValidator>();
        services.AddOptions<ListenerOptions>().BindConfiguration(ListenerOptions.SectionName).ValidateOnStartWith<ListenerOptions, ListenerOptionsValidator>();
        services.AddSingleton<StorageInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<StorageInitializer>());
        services.AddIntake();
        services.AddFollowUp(configuration);
        services.AddTriageDispatch(configuration);
        services.AddUntriagedSweep(configuration);
        services.AddCaseExpiry(configuration);
        services.AddProviderCopyDeletion(configuration);
        services.AddMediaFetching(configuration);
    }

    /// <summary>
    /// Framework categories that would log request URLs, headers or client addresses stay at
    /// Warning whatever appsettings.json says is missing: a privacy default, not a tuning knob.
    /// </summary>
    private static void AddPrivacyLogFilters(ILoggingBuilder logging)
    {
        foreach (var category in new[] { "Microsoft.AspNetCore", "System.Net.Http.HttpClient", "Microsoft.Extensions.Http", "Polly", "Azure.Core", "Azure.Identity" })
        {
            logging.AddFilter(category, LogLevel.Warning);
        }
    }
}
