using Hotline.Functions.Hosting;
using Hotline.Retention;

namespace Hotline.Functions.ExpireCases;

internal static class ExpireCasesSetup
{
    /// <summary>Retention (<see cref="RetentionServiceCollectionExtensions.AddRetention"/>) and its daily timer (<c>ExpireCases</c>).</summary>
    public static IServiceCollection AddCaseExpiry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRetention(configuration);
        services.AddTimerFunction<ExpireCasesFunction>(configuration);
        return services;
    }
}
