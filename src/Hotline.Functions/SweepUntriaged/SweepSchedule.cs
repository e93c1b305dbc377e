using Hotline.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.SweepUntriaged;

/// <summary>
/// The sweeper's timer schedule, as an option so a malformed one stops start-up naming its setting. The schedule is
/// the trigger's (Functions host and standalone listener), so it lives with the function, not with the sweeper.
/// </summary>
internal sealed class SweepSchedule
{
    /// <summary>
    /// The app setting the timer's schedule is read from, by the Functions host (<c>%SweepUntriagedSchedule%</c>
    /// in the trigger) and by the standalone listener alike. A flat name: the host looks it up as written.
    /// </summary>
    public const string Setting = "SweepUntriagedSchedule";

    /// <summary>Every five minutes, at second 0 (UTC). Standalone uses it when the setting is absent; infra sets it.</summary>
    public const string Default = "0 */5 * * * *";

    public string Schedule { get; set; } = Default;
}

internal sealed class SweepScheduleValidator : IValidateOptions<SweepSchedule>
{
    public ValidateOptionsResult Validate(string? name, SweepSchedule options)
    {
        try
        {
            TimerListener.ParseSchedule(options.Schedule);
            return ValidateOptionsResult.Success;
        }
        catch (NCrontab.CrontabException)
        {
            return ValidateOptionsResult.Fail($"{SweepSchedule.Setting} is not a six-field NCRONTAB schedule (e.g. {SweepSchedule.Default}).");
        }
    }
}
