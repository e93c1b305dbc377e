namespace Hotline.Functions.Hosting;

/// <summary>
/// A timer-triggered function. One handler serves both hosts: its <c>[Function]</c> method (the Functions
/// host's timer, which runs it once across all instances) and the standalone <see cref="TimerListener"/>.
/// </summary>
public interface ITimerFunction
{
    /// <summary>The function's name: its <c>[Function]</c> name and its <c>AzureWebJobs__{Name}__Disabled</c> switch.</summary>
    string Name { get; }

    /// <summary>The <c>[TimerTrigger]</c> schedule as written: six-field NCRONTAB (seconds first, UTC), or <c>%Setting%</c>.</summary>
    string Schedule { get; }

    /// <summary>The schedule the standalone listener runs: <see cref="Schedule"/> with a <c>%Setting%</c> read from the settings.</summary>
    string ResolvedSchedule => Schedule;

    Task RunAsync(CancellationToken cancellationToken);
}
