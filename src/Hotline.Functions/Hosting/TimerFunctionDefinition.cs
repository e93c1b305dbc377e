namespace Hotline.Functions.Hosting;

/// <summary>A registered timer function, as the standalone listener sees it.</summary>
/// <param name="Name">The function's name.</param>
/// <param name="Schedule">The schedule as the trigger writes it (the metadata's <c>schedule</c>).</param>
/// <param name="ResolvedSchedule">The schedule run: <paramref name="Schedule"/> with its <c>%Setting%</c> read from the settings.</param>
/// <param name="Invoke">Creates the function from a run's services and runs it.</param>
public sealed record TimerFunctionDefinition(
    string Name,
    string Schedule,
    string ResolvedSchedule,
    Func<IServiceProvider, CancellationToken, Task> Invoke);
