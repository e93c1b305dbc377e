using System.Diagnostics.CodeAnalysis;

namespace Hotline.Functions.Hosting;

internal static partial class QueueFunctionRegistration
{
    /// <summary>
    /// Registers a queue function's handler and, standalone, its listener, unless
    /// <c>AzureWebJobs__{Name}__Disabled=true</c> switches it off. Under the Functions host the host owns
    /// the trigger (and the same switch): the worker only runs the <c>[Function]</c> method it is asked to.
    /// </summary>
    public static IServiceCollection AddQueueFunction<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFunction>(this IServiceCollection services, IConfiguration configuration)
        where TFunction : class, IQueueFunction
    {
        services.AddSingleton<TFunction>();
        services.AddSingleton<IQueueFunction>(sp => sp.GetRequiredService<TFunction>());
        services.AddSingleton<IHostedService>(sp =>
        {
            if (sp.GetRequiredService<HostingMode>().Kind != HostKind.Standalone)
            {
                return new DisabledListener();
            }

            var function = sp.GetRequiredService<TFunction>();
            if (HostingMode.IsFunctionDisabled(configuration, function.Name))
            {
                Log.Disabled(sp.GetRequiredService<ILogger<QueueListener>>(), function.Name);
                return new DisabledListener();
            }

            return ActivatorUtilities.CreateInstance<QueueListener>(sp, function);
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
        [LoggerMessage(1, LogLevel.Information, "{FunctionName} is disabled (AzureWebJobs__{FunctionName}__Disabled): its queue listener does not run.")]
        public static partial void Disabled(ILogger logger, string functionName);
    }
}
