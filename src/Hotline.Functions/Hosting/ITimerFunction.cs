namespace Hotline.Functions.Hosting;

/// <summary>
/// A timer-triggered function. One class serves both hosts: its <c>[Function]</c> method (the Functions
/// host's timer, which runs it once across all instances) and the standalone <see cref="TimerListener"/>.
/// Either host creates it per run, its services by constructor.
/// </summary>
public interface ITimerFunction
{
    /// <summary>The function's name: its <c>[Function]</c> name and its <c>AzureWebJobs__{Name}__Disabled</c> switch.</summary>
    static abstract string Name { get; }

    /// <summary>The <c>[TimerTrigger]</c> schedule as written: six-field NCRONTAB (seconds first, UTC), or <c>%Setting%</c>.</summary>
    static abstract string Schedule { get; }

    /// <summary>
    /// The schedule standalone runs when <see cref="Schedule"/>'s setting is unset or empty (none: the setting
    /// is required, as under the host, which has no default).
    /// </summary>
    static virtual string? DefaultSchedule => null;

    Task RunAsync(CancellationToken cancellationToken);
}
