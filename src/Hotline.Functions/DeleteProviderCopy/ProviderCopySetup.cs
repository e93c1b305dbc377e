using Hotline.Functions.Hosting;
using Hotline.Twilio;

namespace Hotline.Functions.DeleteProviderCopy;

internal static class ProviderCopySetup
{
    /// <summary>Deleting Twilio's copies: the scheduler intake calls (<see cref="TwilioServiceCollectionExtensions.AddProviderCopies"/>), and the <c>DeleteProviderCopy</c> queue function.</summary>
    public static IServiceCollection AddProviderCopyDeletion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProviderCopies(configuration);
        services.AddQueueFunction<DeleteProviderCopyFunction>(configuration);
        return services;
    }
}
