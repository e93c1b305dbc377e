using Hotline.Functions.Hosting;
using Hotline.Sweeper;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.SweepUntriaged;

/// <summary>
/// Timer (<c>SweepUntriagedSchedule</c>, every five minutes by default): queues again every alert that
/// intake queued and dispatch has not handled within the grace period, so a report whose triage message
/// was lost (a failed send the tipster never retried, a crash between the blob and the queue) still
/// reaches a responder.
/// </summary>
internal sealed class SweepUntriagedFunction(UntriagedSweeper sweeper) : ITimerFunction
{
    public const string FunctionName = "SweepUntriaged";

    /// <summary>
    /// The app setting the schedule is read from, by the Functions host (<c>%SweepUntriagedSchedule%</c> in the trigger)
    /// and by the standalone listener alike. A flat name: the host looks it up as written.
    /// </summary>
    public const string ScheduleSetting = "SweepUntriagedSchedule";

    /// <summary>Every five minutes, at second 0 (UTC). Standalone uses it when the setting is absent; infra sets it.</summary>
    public const string DefaultScheduleValue = "0 */5 * * * *";

    static string ITimerFunction.Name => FunctionName;

    static string ITimerFunction.Schedule => "%" + ScheduleSetting + "%";

    // Standalone runs without the setting ; the host needs it set (infra sets it).
    static string? ITimerFunction.DefaultSchedule => DefaultScheduleValue;

    [Function(FunctionName)]
    public Task Run([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) =>
        sweeper.SweepAsync(cancellationToken);
}
