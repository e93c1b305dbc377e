using Hotline.Functions.Hosting;
using Hotline.Retention;
using Microsoft.Azure.Functions.Worker;

namespace Hotline.Functions.ExpireCases;

/// <summary>
/// Timer (<c>ExpireCasesSchedule</c>, daily at 03:30 UTC by default): deletes the cases whose retention has run out and
/// warns the responders of those due within 72 hours (<see cref="CaseExpiry"/>).
/// </summary>
internal sealed class ExpireCasesFunction(CaseExpiry expiry) : ITimerFunction
{
    public const string FunctionName = "ExpireCases";

    /// <summary>The app setting the schedule is read from (<c>%ExpireCasesSchedule%</c> in the trigger), by the host and the standalone listener alike.</summary>
    public const string ScheduleSetting = "ExpireCasesSchedule";

    /// <summary>Daily at 03:30 UTC: a quiet hour for the warning it sends.</summary>
    public const string DefaultScheduleValue = "0 30 3 * * *";

    static string ITimerFunction.Name => FunctionName;

    static string ITimerFunction.Schedule => "%" + ScheduleSetting + "%";

    // Standalone runs without the setting; the host needs it set (infra sets it).
    static string? ITimerFunction.DefaultSchedule => DefaultScheduleValue;

    [Function(FunctionName)]
    public Task Run([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) => expiry.RunAsync(cancellationToken);
}
