using System.Diagnostics.CodeAnalysis;
using NCrontab;

namespace Hotline.Functions.Hosting;

/// <summary>
/// A timer-triggered function. One handler serves both hosts: its <c>[Function]</c> method (the Functions
/// host's timer, which runs it once across all instances) and the standalone <see cref="TimerListener"/>.
/// </summary>
public interface ITimerFunction
{
    /// <summary>The function's name: its <c>[Function]</c> name and its <c>AzureWebJobs__{Name}__Disabled</c> switch.</summary>
    string Name { get; }

    /// <summary>The <c>[TimerTrigger]</c> schedule as written: six-field NCRONTAB (seconds first, UTC), or <c>%Setting%</c>.</summary>
    string Schedule { get; }

    /// <summary>The schedule the standalone listener runs: <see cref="Schedule"/> with a <c>%Setting%</c> read from the settings.</summary>
    string ResolvedSchedule => Schedule;

    Task RunAsync(CancellationToken cancellationToken);
}

internal static partial class TimerFunctionRegistration
{
    /// <summary>
    /// Registers a timer function's handler and, standalone, its listener, unless
    /// <c>AzureWebJobs__{Name}__Disabled=true</c> switches it off (as the Functions host does).
    /// </summary>
    public static IServiceCollection AddTimerFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(this IServiceCollection services, IConfiguration configuration)
        where TFunction : class, ITimerFunction
    {
        services.AddSingleton<TFunction>();
        services.AddSingleton<ITimerFunction>(sp => sp.GetRequiredService<TFunction>());
        services.AddSingleton<IHostedService>(sp =>
        {
            if (sp.GetRequiredService<HostingMode>().Kind != HostKind.Standalone)
            {
                return new DisabledListener();
            }

            var function = sp.GetRequiredService<TFunction>();
            if (HostingMode.IsFunctionDisabled(configuration, function.Name))
            {
                Log.Disabled(sp.GetRequiredService<ILogger<TimerListener>>(), function.Name);
                return new DisabledListener();
            }

            return ActivatorUtilities.CreateInstance<TimerListener>(sp, function);
        });
        return services;
    }

    /// <summary>The schedule as the Functions host reads it: six fields, seconds first.</summary>
    public static CrontabSchedule ParseSchedule(string schedule) =>
        CrontabSchedule.Parse(schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });

    private sealed class DisabledListener : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{FunctionName} is disabled (AzureWebJobs__{FunctionName}__Disabled): its timer does not run.")]
        public static partial void Disabled(ILogger logger, string functionName);
    }
}
