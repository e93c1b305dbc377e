using Hotline.Functions.DispatchDigest;
using Hotline.Functions.DispatchTriagePoison;
using Hotline.Functions.Hosting;
using Hotline.Twilio;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.DispatchTriage;

internal static partial class DispatchSetup
{
    /// <summary>
    /// Responder alerts: the roster, Twilio SMS, webhooks, the send records, the sent-message records, the two queue functions
    /// (<c>DispatchTriage</c> on <c>triage</c>, <c>DispatchTriagePoison</c> on <c>triage-poison</c>) and the
    /// surge digest's timer (<c>DispatchDigest</c>).
    /// Settings are validated at start-up, each failure naming its setting.
    /// </summary>
    public static IServiceCollection AddTriageDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTwilioSms(configuration);

        services.AddOptions<DispatchOptions>().Bind(configuration.GetSection(DispatchOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DispatchOptions>, DispatchOptionsValidator>());

        services.AddOptions<RosterOptions>()
            .Configure(roster => RosterLoader.Load(configuration, roster))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RosterOptions>, RosterValidator>());

        // No factory logging: its scope holds the webhook URL, which is a secret (see AddTwilioSms).
        services.AddHttpClient(WebhookAlertClient.HttpClientName)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            .AddAlertResilience("alert-webhooks", paced: false);
        services.TryAddSingleton<WebhookAlertClient>();
        services.TryAddSingleton<AlertLedger>();
        services.TryAddSingleton<AlertDigest>();
        services.TryAddSingleton(sp => SentMessages.ForApp(
            sp.GetRequiredService<Hotline.Storage.HotlineStorage>(), sp.GetRequiredService<Hotline.Tips.IntakeSecrets>(), sp.GetRequiredService<IOptions<TwilioOptions>>().Value.AuthToken));
        services.TryAddSingleton<SentAlerts>();
        services.TryAddSingleton<TriageDispatcher>();
        services.AddHostedService<DispatchStartupReport>();

        services.AddQueueFunction<DispatchTriageFunction>(configuration);
        services.AddQueueFunction<DispatchTriagePoisonFunction>(configuration);
        services.AddTimerFunction<DispatchDigestFunction>(configuration);
        return services;
    }

    /// <summary>One line at start-up that says who will be paged and how: what a new user needs to see.</summary>
    private sealed partial class DispatchStartupReport(
        IOptions<RosterOptions> roster, IOptions<TwilioOptions> twilio, IOptions<DispatchOptions> dispatch, ILogger<DispatchStartupReport> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var r = roster.Value;
            var pageAllFrom = dispatch.Value.PageAllFromUrgency.ToString().ToLowerInvariant();
            if (twilio.Value.IsConfigured)
            {
                LogTwilio(logger, r.Responders.Count, r.Source, twilio.Value.MessagesPerSecond, pageAllFrom);
            }
            else
            {
                LogNoTwilio(logger, r.Responders.Count, r.Source, pageAllFrom);
            }

            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(1, LogLevel.Information, "Responder alerts: {Count} responders on the roster (from {Source}); SMS through Twilio at {MessagesPerSecond}/s; {PageAllFrom} and above page everyone, lower the first responder reached.")]
        private static partial void LogTwilio(ILogger logger, int count, string source, double messagesPerSecond, string pageAllFrom);

        [LoggerMessage(2, LogLevel.Warning, "Responder alerts: {Count} responders on the roster (from {Source}); Twilio is not configured (Twilio__AccountSid), so SMS alerts are printed to this log instead of sent; webhooks are sent. {PageAllFrom} and above page everyone, lower the first responder reached.")]
        private static partial void LogNoTwilio(ILogger logger, int count, string source, string pageAllFrom);
    }
}
