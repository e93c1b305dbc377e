using Hotline.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.SweepUntriaged;

/// <summary>
/// Timer (<c>SweepUntriagedSchedule</c>, every five minutes by default): queues again every alert that
/// intake queued and dispatch has not handled within the grace period, so a report whose triage message
/// was lost (a failed send the tipster never retried, a crash between the blob and the queue) still
/// reaches a responder.
/// </summary>
internal sealed class SweepUntriagedFunction(IServiceProvider services) : ITimerFunction
{
    public const string FunctionName = "SweepUntriaged";

    string ITimerFunction.Name => FunctionName;

    string ITimerFunction.Schedule => "%" + SweepOptions.ScheduleSetting + "%";

    string ITimerFunction.ResolvedSchedule => services.GetRequiredService<IOptions<SweepOptions>>().Value.Schedule;

    [Function(FunctionName)]
    public Task Run([TimerTrigger("%" + SweepOptions.ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) =>
        services.GetRequiredService<UntriagedSweeper>().SweepAsync(cancellationToken);
}
