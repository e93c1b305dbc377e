using Hotline.Functions.FetchMediaPoison;
using Hotline.Functions.Hosting;
using Hotline.Media;

namespace Hotline.Functions.FetchMedia;

internal static class MediaSetup
{
    /// <summary>Fetching MMS media: the fetcher (<see cref="MediaServiceCollectionExtensions.AddMediaFetcher"/>), and the <c>FetchMedia</c> and <c>FetchMediaPoison</c> queue functions.</summary>
    public static IServiceCollection AddMediaFetching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMediaFetcher(configuration);
        services.AddQueueFunction<FetchMediaFunction>(configuration);
        services.AddQueueFunction<FetchMediaPoisonFunction>(configuration);
        return services;
    }
}
