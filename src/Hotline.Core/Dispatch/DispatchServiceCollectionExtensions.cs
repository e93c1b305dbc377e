using Hotline.Storage;
using Hotline.Tips;
using Hotline.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline.Dispatch;

public static class DispatchServiceCollectionExtensions
{
    /// <summary>
    /// Responder alerts: the roster (<c>Responders__N__*</c> or Key Vault), the routing options (<c>Hotline:Dispatch</c>),
    /// Twilio SMS, webhooks, the send records (<see cref="AlertLedger"/>), the surge digest, the sent-message records and
    /// <see cref="TriageDispatcher"/>, with <paramref name="wordings"/> for the alert texts. Settings are validated at
    /// start-up, each failure naming its setting. The host adds the functions that call the dispatcher.
    /// </summary>
    public static IServiceCollection AddDispatch(this IServiceCollection services, IConfiguration configuration, AlertWordings wordings)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(wordings);
        services.AddTwilioSms(configuration);

        services.AddOptions<DispatchOptions>().Bind(configuration.GetSection(DispatchOptions.SectionName)).ValidateOnStartWith<DispatchOptions, DispatchOptionsValidator>();

        services.AddOptions<RosterOptions>()
            .Configure(roster => RosterLoader.Load(configuration, roster))
            .ValidateOnStartWith<RosterOptions, RosterValidator>();

        // No factory logging: its scope holds the webhook URL, which is a secret (see AddTwilioSms).
        services.AddHttpClient(WebhookAlertClient.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddAlertResilience("alert-webhooks", paced: false);
        services.TryAddSingleton(wordings);
        services.TryAddSingleton<WebhookAlertClient>();
        services.TryAddSingleton<AlertLedger>();
        services.TryAddSingleton<AlertDigest>();
        services.TryAddSingleton(sp => SentMessages.ForApp(
            sp.GetRequiredService<HotlineStorage>(), sp.GetRequiredService<IntakeSecrets>(), sp.GetRequiredService<IOptions<TwilioOptions>>().Value.AuthToken));
        services.TryAddSingleton<SentAlerts>();
        services.TryAddSingleton<TriageDispatcher>();
        return services;
    }
}
