using Hotline.Functions.DispatchTriage;
using Hotline.Functions.Health;
using Hotline.Functions.Hosting;
using Hotline.Functions.Intake;
using Hotline.Functions.SmsInbound;
using Hotline.Functions.SubmitTip;
using Hotline.Functions.TipForm;
using Microsoft.Extensions.Options;

namespace Hotline.Functions;

/// <summary>Builds the app. Program.cs runs it; tests build the same app with their own settings.</summary>
public static class HotlineApp
{
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Content root = the app's folder (appsettings.json, host.json, function folders), as under the
        // Functions host; local.settings.json is looked up in the working directory, as Core Tools do.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddFunctionsFiles(Directory.GetCurrentDirectory());
        KeyVaultConfigurationSource.AddIfConfigured(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        AddPrivacyLogFilters(builder.Logging);
        configure?.Invoke(builder);
        HostingMode.ConfigureUrls(builder);

        var services = builder.Services;
        services.AddProblemDetails();
        services.AddSettingConversionFailures();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FunctionsJsonContext.Default));
        services.AddHotlineStorage(builder.Configuration);
        services.AddOptions<QueueTriggerOptions>()
            .BindConfiguration(QueueTriggerOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<QueueTriggerOptions>, QueueTriggerOptionsValidator>();
        services.AddHostedService<StorageInitializer>();
        services.AddIntake();
        services.AddTriageDispatch(builder.Configuration);
        return builder;
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

    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.Build();

        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();

        app.MapTipForm();
        app.MapSubmitTip();
        app.MapSmsInbound();
        app.MapHealth();
        app.MapQueueFunctions();
        return app;
    }
}
