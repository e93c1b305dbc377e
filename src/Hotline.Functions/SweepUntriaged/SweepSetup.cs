using Hotline.Functions.Hosting;
using Hotline.Sweeper;

namespace Hotline.Functions.SweepUntriaged;

internal static class SweepSetup
{
    /// <summary>The sweeper (<see cref="SweeperServiceCollectionExtensions.AddUntriagedSweeper"/>) and its timer (<c>SweepUntriaged</c>), with its schedule validated at start-up.</summary>
    public static IServiceCollection AddUntriagedSweep(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddUntriagedSweeper(configuration);
        services.AddOptions<SweepSchedule>()
            .Configure(o => o.Schedule = configuration[SweepSchedule.Setting] is { Length: > 0 } schedule ? schedule : SweepSchedule.Default)
            .ValidateOnStartWith<SweepSchedule, SweepScheduleValidator>();
        services.AddTimerFunction<SweepUntriagedFunction>(configuration);
        return services;
    }
}
