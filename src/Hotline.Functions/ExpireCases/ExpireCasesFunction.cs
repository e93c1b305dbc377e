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

    static string ITimerFunction.Name => FunctionName;

    static string ITimerFunction.Schedule => "%" + ExpireCasesSchedule.Setting + "%";

    // Standalone runs without the setting (as ExpireCasesSchedule reads it); the host needs it set (infra sets it).
    static string? ITimerFunction.DefaultSchedule => ExpireCasesSchedule.Default;

    [Function(FunctionName)]
    public Task Run([TimerTrigger("%" + ExpireCasesSchedule.Setting + "%")] TimerInfo timer, CancellationToken cancellationToken) => RunAsync(cancellationToken);

    public Task RunAsync(CancellationToken cancellationToken) => expiry.RunAsync(cancellationToken);
}
