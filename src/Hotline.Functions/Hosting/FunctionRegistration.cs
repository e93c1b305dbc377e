using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Hotline.Functions.Hosting;

internal static partial class FunctionRegistration
{
    /// <summary>A queue function's definition and, standalone, its <see cref="QueueListener"/>.</summary>
    public static IServiceCollection AddQueueFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(this IServiceCollection services, IConfiguration configuration)
        where TFunction : class, IQueueFunction
    {
        var definition = QueueDefinition<TFunction>(configuration);
        services.AddSingleton(definition);
        return services.AddListener<QueueListener>(configuration, definition.Name, definition);
    }

    /// <summary>A timer function's definition and, standalone, its <see cref="TimerListener"/>.</summary>
    public static IServiceCollection AddTimerFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(this IServiceCollection services, IConfiguration configuration)
        where TFunction : class, ITimerFunction
    {
        var definition = TimerDefinition<TFunction>(configuration);
        services.AddSingleton(definition);

        // A malformed schedule stops start-up with one line naming its setting, not the listener at its first occurrence.
        var setting = SettingReference().Match(TFunction.Schedule) is { Success: true } reference ? reference.Groups[1].Value : TFunction.Name + "'s schedule";
        services.AddOptions<TimerSchedule>(definition.Name)
            .Configure(o => o.Resolved = definition.ResolvedSchedule)
            .Validate(o => IsSchedule(o.Resolved), $"{setting} is not a six-field NCRONTAB schedule (e.g. {TFunction.DefaultSchedule ?? "0 */5 * * * *"}).")
            .ValidateOnStart();
        return services.AddListener<TimerListener>(configuration, definition.Name, definition);
    }

    private static bool IsSchedule(string schedule)
    {
        try
        {
            TimerListener.ParseSchedule(schedule);
            return true;
        }
        catch (NCrontab.CrontabException)
        {
            return false;
        }
    }

    /// <summary>A timer function's resolved schedule, as options only so start-up validation sees it.</summary>
    internal sealed class TimerSchedule
    {
        public string Resolved { get; set; } = string.Empty;
    }

    /// <summary>
    /// What the listener needs of a queue function. The function itself is created per invocation, in that
    /// invocation's scope, by constructor, as the worker's activator creates it: never before start-up
    /// validation, so a missing setting is named by the validation rather than by a service's constructor.
    /// </summary>
    public static QueueFunctionDefinition QueueDefinition<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(IConfiguration configuration)
        where TFunction : class, IQueueFunction
    {
        var create = ActivatorUtilities.CreateFactory<TFunction>([]);
        return new QueueFunctionDefinition(
            TFunction.Name,
            TFunction.QueueName,
            ResolveSettings(TFunction.QueueName, configuration, TFunction.Name, fallback: null),
            (services, message, cancellationToken) => create(services, null).RunAsync(message, cancellationToken));
    }

    /// <summary>What the listener needs of a timer function; the function is created per run, as a queue function is.</summary>
    public static TimerFunctionDefinition TimerDefinition<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(IConfiguration configuration)
        where TFunction : class, ITimerFunction
    {
        var create = ActivatorUtilities.CreateFactory<TFunction>([]);
        return new TimerFunctionDefinition(
            TFunction.Name,
            TFunction.Schedule,
            ResolveSettings(TFunction.Schedule, configuration, TFunction.Name, TFunction.DefaultSchedule),
            (services, cancellationToken) => create(services, null).RunAsync(cancellationToken));
    }

    /// <summary>
    /// A trigger's value with each <c>%Setting%</c> replaced by the setting's value, as the host's name resolver
    /// does. An unset (or empty) setting takes <paramref name="fallback"/> when there is one and stops start-up
    /// with one line otherwise (the host, too, refuses a trigger it cannot resolve).
    /// </summary>
    internal static string ResolveSettings(string value, IConfiguration configuration, string functionName, string? fallback) =>
        SettingReference().Replace(value, match =>
        {
            var setting = match.Groups["setting"].Value;
            return configuration[setting] is { Length: > 0 } resolved
                ? resolved
                : fallback ?? throw new StartupException($"{setting} is not set: {functionName}'s trigger reads it (%{setting}%).");
        });

    /// <summary>
    /// Standalone, the listener that stands in for a function's trigger, unless <c>AzureWebJobs__{Name}__Disabled=true</c>
    /// switches it off. Under the Functions host the host owns the trigger (and the same switch): the worker only
    /// runs the <c>[Function]</c> method it is asked to.
    /// </summary>
    private static IServiceCollection AddListener<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TListener>(
        this IServiceCollection services, IConfiguration configuration, string name, object definition)
        where TListener : IHostedService
    {
        services.AddSingleton<IHostedService>(sp =>
        {
            if (sp.GetRequiredService<HostingMode>().Kind != HostKind.Standalone)
            {
                return new DisabledListener();
            }

            if (HostingMode.IsFunctionDisabled(configuration, name))
            {
                Log.Disabled(sp.GetRequiredService<ILogger<TListener>>(), name);
                return new DisabledListener();
            }

            return ActivatorUtilities.CreateInstance<TListener>(sp, definition);
        });
        return services;
    }

    [GeneratedRegex("%(?<setting>[^%]+)%", RegexOptions.CultureInvariant)]
    private static partial Regex SettingReference();

    private sealed class DisabledListener : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{FunctionName} is disabled (AzureWebJobs__{FunctionName}__Disabled): its standalone listener does not run.")]
        public static partial void Disabled(ILogger logger, string functionName);
    }
}
