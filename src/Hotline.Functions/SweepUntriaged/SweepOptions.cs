using Hotline.Functions.Hosting;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.SweepUntriaged;

/// <summary>The sweeper (section <c>Hotline:Sweep</c>, and the schedule's own setting).</summary>
public sealed class SweepOptions
{
    public const string SectionName = "Hotline:Sweep";

    /// <summary>
    /// The app setting the timer's schedule is read from, by the Functions host (<c>%SweepUntriagedSchedule%</c>
    /// in the trigger) and by the standalone listener alike. A flat name: the host looks it up as written.
    /// </summary>
    public const string ScheduleSetting = "SweepUntriagedSchedule";

    /// <summary>Every five minutes, at second 0 (UTC). Standalone uses it when the setting is absent; infra sets it.</summary>
    public const string DefaultSchedule = "0 */5 * * * *";

    /// <summary>The schedule (not bound from the section: see <see cref="ScheduleSetting"/>).</summary>
    public string Schedule { get; set; } = DefaultSchedule;

    /// <summary>
    /// How long a queued alert may wait for dispatch before the sweeper queues it again (default 10
    /// minutes): longer than a busy queue takes, so a message still in line is rarely sent twice (and when
    /// it is, the ledger keeps anyone from being paged twice).
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class SweepOptionsValidator : IValidateOptions<SweepOptions>
{
    public ValidateOptionsResult Validate(string? name, SweepOptions options)
    {
        try
        {
            TimerListener.ParseSchedule(options.Schedule);
        }
        catch (NCrontab.CrontabException)
        {
            return ValidateOptionsResult.Fail($"{SweepOptions.ScheduleSetting} is not a six-field NCRONTAB schedule (e.g. {SweepOptions.DefaultSchedule}).");
        }

        return options.Grace >= TimeSpan.Zero && options.Grace <= TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hotline__Sweep__Grace must be between 00:00:00 and 1.00:00:00.");
    }
}
