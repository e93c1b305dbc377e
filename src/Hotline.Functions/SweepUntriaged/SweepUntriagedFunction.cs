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

    static string ITimerFunction.Name => FunctionName;

    static string ITimerFunction.Schedule => "%" + SweepSchedule.Setting + "%";

    // Standalone runs without the setting (as SweepSchedule reads it); the host needs it set (infra sets it).
    static string? ITimerFunction.DefaultSchedule => SweepSchedule.Default;

    [Function(FunctionName)]
    public Task Run([TimerTrigger("%" + SweepSchedule.Setting + "%")] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) =>
        sweeper.SweepAsync(cancellationToken);
}
