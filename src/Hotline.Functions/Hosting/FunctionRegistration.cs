using System.Diagnostics.CodeAnalysis;

namespace Hotline.Functions.Hosting;

internal static partial class FunctionRegistration
{
    /// <summary>A queue function's handler and, standalone, its <see cref="QueueListener"/>.</summary>
    public static IServiceCollection AddQueueFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(this IServiceCollection services, IConfiguration configuration)
        where TFunction : class, IQueueFunction
    {
        services.AddSingleton<IQueueFunction>(sp => sp.GetRequiredService<TFunction>());
        return services.AddFunction<TFunction, QueueListener>(configuration, function => function.Name);
    }

    /// <summary>A timer function's handler and, standalone, its <see cref="TimerListener"/>.</summary>
    public static IServiceCollection AddTimerFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(this IServiceCollection services, IConfiguration configuration)
        where TFunction : class, ITimerFunction
    {
        services.AddSingleton<ITimerFunction>(sp => sp.GetRequiredService<TFunction>());
        return services.AddFunction<TFunction, TimerListener>(configuration, function => function.Name);
    }

    /// <summary>
    /// Registers a function's handler and, standalone, the listener that stands in for its trigger, unless
    /// <c>AzureWebJobs__{Name}__Disabled=true</c> switches it off. Under the Functions host the host owns the
    /// trigger (and the same switch): the worker only runs the <c>[Function]</c> method it is asked to.
    /// </summary>
    private static IServiceCollection AddFunction<TFunction, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TListener>(
        this IServiceCollection services, IConfiguration configuration, Func<TFunction, string> nameOf)
        where TFunction : class
        where TListener : IHostedService
    {
        services.AddSingleton<TFunction>();
        services.AddSingleton<IHostedService>(sp =>
        {
            if (sp.GetRequiredService<HostingMode>().Kind != HostKind.Standalone)
            {
                return new DisabledListener();
            }

            var function = sp.GetRequiredService<TFunction>();
            if (HostingMode.IsFunctionDisabled(configuration, nameOf(function)))
            {
                Log.Disabled(sp.GetRequiredService<ILogger<TListener>>(), nameOf(function));
                return new DisabledListener();
            }

            return ActivatorUtilities.CreateInstance<TListener>(sp, function);
        });
        return services;
    }

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
