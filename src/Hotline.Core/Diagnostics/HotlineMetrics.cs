using System.Diagnostics.Metrics;
using Hotline.Triage;

namespace Hotline.Diagnostics;

/// <summary>
/// The counters an operator watches (exported to Application Insights as custom metrics, and what the alert rules
/// in <c>infra/</c> fire on). Tags are fixed words (a channel, an outcome, a queue name), never a value a tipster
/// or a client chose. Static, as the Azure SDK's own meters are: one set per process, whichever host runs it.
/// </summary>
public static class HotlineMetrics
{
    public const string MeterName = "Hotline";

    /// <summary>Names the alert rules in <c>infra/main.bicep</c> query (<c>customMetrics</c>): a test keeps them equal.</summary>
    public const string PoisonMetric = "hotline.poison";

    /// <inheritdoc cref="PoisonMetric"/>
    public const string AlertsMetric = "hotline.alerts";

    /// <inheritdoc cref="PoisonMetric"/>
    public const string EscalationStepsMetric = "hotline.escalation.steps";

    /// <summary>Time from an alert's first page to its acknowledgement.</summary>
    public const string AckTimeMetric = "hotline.escalation.ack_time";

    /// <inheritdoc cref="PoisonMetric"/>
    public const string FollowUpFailuresMetric = "hotline.followup.lookups.failed";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> EscalationSteps = Meter.CreateCounter<long>(
        EscalationStepsMetric, "{step}", "Escalation steps of alerts nobody acknowledged, by step (repage, escalation-list, everyone).");

    private static readonly Histogram<double> AckTime = Meter.CreateHistogram<double>(
        AckTimeMetric, "s", "From an alert's first page to a responder's acknowledgement, by how (sms, cli) and the escalation step reached.");

    private static readonly Counter<long> Accepted = Meter.CreateCounter<long>(
        "hotline.reports.accepted", "{report}", "Reports stored and queued for triage, by channel (web, sms).");

    private static readonly Counter<long> Unavailable = Meter.CreateCounter<long>(
        "hotline.intake.unavailable", "{request}", "Intake requests answered 503 because storage did not take the report, by channel.");

    private static readonly Counter<long> Alerts = Meter.CreateCounter<long>(
        AlertsMetric, "{delivery}", "Alert deliveries to responders, by channel (sms, webhook) and outcome (sent, refused, failed).");

    private static readonly Counter<long> Poison = Meter.CreateCounter<long>(
        PoisonMetric, "{message}", "Messages that failed every delivery and were handled from a poison queue, by queue.");

    private static readonly Counter<long> Requeued = Meter.CreateCounter<long>(
        "hotline.sweeper.requeued", "{alert}", "Alerts the sweeper queued again because they were not dispatched in time.");

    private static readonly Counter<long> FollowUpFailures = Meter.CreateCounter<long>(
        FollowUpFailuresMetric, "{lookup}", "Follow-up look-ups whose code opened nothing, site-wide, by outcome (wrong: tried; limited: refused before trying).");

    private static readonly Histogram<double> TipToAlert = Meter.CreateHistogram<double>(
        "hotline.alert.latency", "s", "From a report's arrival to an alert about it sent to a responder.");

    public static void ReportAccepted(Channel channel) => Accepted.Add(1, new KeyValuePair<string, object?>("channel", Name(channel)));

    public static void IntakeUnavailable(Channel channel) => Unavailable.Add(1, new KeyValuePair<string, object?>("channel", Name(channel)));

    /// <summary>One delivery: <paramref name="channel"/> is <c>sms</c> or <c>webhook</c>, <paramref name="outcome"/> <c>sent</c>, <c>refused</c> or <c>failed</c>.</summary>
    public static void AlertDelivery(string channel, string outcome) =>
        Alerts.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A failed follow-up look-up: <paramref name="outcome"/> is <c>wrong</c> or <c>limited</c>.</summary>
    public static void FollowUpLookupFailed(string outcome) => FollowUpFailures.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void PoisonMessage(string queue) => Poison.Add(1, new KeyValuePair<string, object?>("queue", queue));

    public static void SweeperRequeued(int count)
    {
        if (count > 0)
        {
            Requeued.Add(count);
        }
    }

    /// <summary>Records the time since <paramref name="receivedAt"/>; nothing for an alert with no time of arrival (a digest).</summary>
    public static void AlertLatency(DateTimeOffset? receivedAt, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (receivedAt is { } at)
        {
            TipToAlert.Record(Math.Max(0, (time.GetUtcNow() - at).TotalSeconds));
        }
    }

    /// <summary>One escalation step sent: <c>repage</c>, <c>escalation-list</c> or <c>everyone</c>.</summary>
    public static void EscalationStep(string step) => EscalationSteps.Add(1, new KeyValuePair<string, object?>("step", step));

    public static void AcknowledgeTime(TimeSpan sinceFirstPage, string via, int step) =>
        AckTime.Record(
            Math.Max(0, sinceFirstPage.TotalSeconds),
            new KeyValuePair<string, object?>("via", via),
            new KeyValuePair<string, object?>("step", step.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static string Name(Channel channel) => channel == Channel.Sms ? "sms" : "web";
}
