using Hotline.Cases;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>Retention (<c>Hotline:Retention</c>, validated at start-up) and the daily run; the host adds its timer.</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName)).ValidateOnStartWith<RetentionOptions, RetentionOptionsValidator>();
        services.TryAddSingleton<CaseStore>();
        services.TryAddSingleton<CaseExpiry>();
        return services;
    }
}
