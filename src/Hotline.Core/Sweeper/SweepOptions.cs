using Microsoft.Extensions.Options;

namespace Hotline.Sweeper;

/// <summary>
/// The sweeper (section <c>Hotline:Sweep</c>). Its schedule is its timer's, a setting of the app's own
/// (<c>SweepUntriagedSchedule</c>, read by the Functions host and the standalone listener alike).
/// </summary>
public sealed class SweepOptions
{
    public const string SectionName = "Hotline:Sweep";

    /// <summary>
    /// How long a queued alert may wait for dispatch before the sweeper queues it again (default 10
    /// minutes): longer than a busy queue takes, so a message still in line is rarely sent twice (and when
    /// it is, the ledger keeps anyone from being paged twice).
    /// </summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(10);
}

internal sealed class SweepOptionsValidator : IValidateOptions<SweepOptions>
{
    public ValidateOptionsResult Validate(string? name, SweepOptions options) =>
        options.Grace >= TimeSpan.Zero && options.Grace <= TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Hotline__Sweep__Grace must be between 00:00:00 and 1.00:00:00.");
}
