using Hotline.Functions.Hosting;
using Hotline.Sweeper;

namespace Hotline.Functions.SweepUntriaged;

internal static class SweepSetup
{
    /// <summary>The sweeper (<see cref="SweeperServiceCollectionExtensions.AddUntriagedSweeper"/>) and its timer (<c>SweepUntriaged</c>).</summary>
    public static IServiceCollection AddUntriagedSweep(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddUntriagedSweeper(configuration);
        services.AddTimerFunction<SweepUntriagedFunction>(configuration);
        return services;
    }
}
