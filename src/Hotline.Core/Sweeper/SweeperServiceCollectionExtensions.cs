using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Sweeper;

public static class SweeperServiceCollectionExtensions
{
    /// <summary>The sweeper and its settings (<c>Hotline:Sweep</c>), validated at start-up; the host adds its timer.</summary>
    public static IServiceCollection AddUntriagedSweeper(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SweepOptions>().Bind(configuration.GetSection(SweepOptions.SectionName)).ValidateOnStartWith<SweepOptions, SweepOptionsValidator>();
        services.TryAddSingleton<UntriagedSweeper>();
        return services;
    }
}
