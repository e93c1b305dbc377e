using Hotline.Dispatch;
using Hotline.Functions.Hosting;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.DispatchDigest;

/// <summary>
/// Timer, every minute: sends the digest of alerts gathered under a surge (see
/// <see cref="DispatchOptions.DigestAfter"/>). Every minute, so an urgent report in a surge waits a
/// minute at most, and a flood costs each responder one message a minute, not one per forged tip.
/// A run that fails leaves the alerts for the next one.
/// </summary>
internal sealed class DispatchDigestFunction(TriageDispatcher dispatcher) : ITimerFunction
{
    public const string FunctionName = "DispatchDigest";

    /// <summary>At second 0 of every minute (six-field NCRONTAB, UTC).</summary>
    public const string EveryMinute = "0 * * * * *";

    static string ITimerFunction.Name => FunctionName;

    static string ITimerFunction.Schedule => EveryMinute;

    [Function(FunctionName)]
    public Task Run([TimerTrigger(EveryMinute)] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) =>
        dispatcher.DispatchDigestAsync(cancellationToken);
}
