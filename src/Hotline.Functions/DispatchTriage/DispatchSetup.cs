using Hotline.Dispatch;
using Hotline.Functions.DispatchDigest;
using Hotline.Escalation;
using Hotline.Functions.DispatchTriagePoison;
using Hotline.Functions.EscalateAlert;
using Hotline.Functions.EscalateAlertPoison;
using Hotline.Functions.EscalateOverdue;
using Hotline.Functions.Hosting;
using Hotline.Functions.Texts;
using Hotline.Twilio;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.DispatchTriage;

internal static partial class DispatchSetup
{
    /// <summary>
    /// Responder alerts (<see cref="DispatchServiceCollectionExtensions.AddDispatch"/>: the roster, Twilio SMS, webhooks, the
    /// send records, the sent-message records, with the catalogue's alert wordings), the start-up line, the two queue functions
    /// (<c>DispatchTriage</c> on <c>triage</c>, <c>DispatchTriagePoison</c> on <c>triage-poison</c>) and the
    /// surge digest's timer (<c>DispatchDigest</c>); escalation of unacknowledged alerts (<c>EscalateAlert</c> on
    /// <c>escalation</c>, <c>EscalateAlertPoison</c> on <c>escalation-poison</c>, the <c>EscalateOverdue</c> timer).
    /// Settings are validated at start-up, each failure naming its setting.
    /// </summary>
    public static IServiceCollection AddTriageDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDispatch(configuration, TextCatalogue.AlertWordings);
        services.AddHostedService<DispatchStartupReport>();

        services.AddQueueFunction<DispatchTriageFunction>(configuration);
        services.AddQueueFunction<DispatchTriagePoisonFunction>(configuration);
        services.AddTimerFunction<DispatchDigestFunction>(configuration);

        // Alerts that wait for an acknowledgement, and their escalation steps (Hotline:Escalation).
        services.AddEscalation(configuration);
        services.AddQueueFunction<EscalateAlertFunction>(configuration);
        services.AddQueueFunction<EscalateAlertPoisonFunction>(configuration);
        services.AddTimerFunction<EscalateOverdueFunction>(configuration);
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
