using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline.FollowUp;

public static class FollowUpServiceCollectionExtensions
{
    /// <summary>
    /// The web follow-up and its settings (<c>Hotline:FollowUp</c>), validated at start-up. Its keys come from the
    /// pepper (<c>Hotline__PhonePepper</c>), which the intake's own settings require.
    /// </summary>
    public static IServiceCollection AddFollowUp(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FollowUpOptions>().Bind(configuration.GetSection(FollowUpOptions.SectionName)).ValidateOnStartWith<FollowUpOptions, FollowUpOptionsValidator>();
        services.TryAddSingleton(sp => new CodeKeys(Pepper(sp), sp.GetRequiredService<IOptions<FollowUpOptions>>()));
        services.TryAddSingleton(sp => new FollowUpToken(Pepper(sp), sp.GetRequiredService<IOptions<FollowUpOptions>>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<LookupLimiter>();
        services.TryAddSingleton<FollowUpVault>();
        services.TryAddSingleton<FollowUpIntake>();
        return services;
    }

    private static string Pepper(IServiceProvider services) => services.GetRequiredService<IOptions<HotlineOptions>>().Value.PhonePepper!;
}
