using Hotline.Escalation;
using Hotline.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.EscalateOverdue;

/// <summary>
/// Timer, every minute: sends any escalation step that is overdue (its queue message lost, or late), so an
/// unacknowledged alert reaches everyone within three times AckWithin plus a minute whatever the queue does.
/// </summary>
internal sealed class EscalateOverdueFunction(AlertEscalator escalator) : ITimerFunction
{
    public const string FunctionName = "EscalateOverdue";

    /// <summary>At second 30 of every minute (six-field NCRONTAB, UTC): off the digest's second 0.</summary>
    public const string EveryMinute = "30 * * * * *";

    static string ITimerFunction.Name => FunctionName;

    static string ITimerFunction.Schedule => EveryMinute;

    [Function(FunctionName)]
    public Task Run([TimerTrigger(EveryMinute)] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) => escalator.EscalateOverdueAsync(cancellationToken);
}
