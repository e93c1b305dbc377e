using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Hotline.Media;

public static class MediaServiceCollectionExtensions
{
    /// <summary>
    /// Fetching MMS media: <see cref="MediaFetcher"/> and its settings (<c>Hotline:Media</c>), validated at start-up. It
    /// tells responders through the dispatcher and deletes Twilio's copy through <c>ProviderCopies</c>: the host adds
    /// both (<c>AddDispatch</c>, <c>AddProviderCopies</c>), and the functions that call the fetcher.
    /// </summary>
    public static IServiceCollection AddMediaFetcher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.SectionName)).ValidateOnStartWith<MediaOptions, MediaOptionsValidator>();
        services.TryAddSingleton<MediaFetcher>();
        return services;
    }
}
