using Hotline.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.ExpireCases;

/// <summary>The retention run's timer schedule, validated at start-up like the sweeper's (<see cref="SweepUntriaged.SweepSchedule"/>).</summary>
internal sealed class ExpireCasesSchedule
{
    /// <summary>The app setting the schedule is read from (<c>%ExpireCasesSchedule%</c> in the trigger), by the host and the standalone listener alike.</summary>
    public const string Setting = "ExpireCasesSchedule";

    /// <summary>Daily at 03:30 UTC: a quiet hour for the warning it sends.</summary>
    public const string Default = "0 30 3 * * *";

    public string Schedule { get; set; } = Default;
}

internal sealed class ExpireCasesScheduleValidator : IValidateOptions<ExpireCasesSchedule>
{
    public ValidateOptionsResult Validate(string? name, ExpireCasesSchedule options)
    {
        try
        {
            TimerListener.ParseSchedule(options.Schedule);
            return ValidateOptionsResult.Success;
        }
        catch (NCrontab.CrontabException)
        {
            return ValidateOptionsResult.Fail($"{ExpireCasesSchedule.Setting} is not a six-field NCRONTAB schedule (e.g. {ExpireCasesSchedule.Default}).");
        }
    }
}
