namespace Hotline.Functions.Hosting;

/// <summary>
/// Standalone mode's stand-in for the Functions host's timer trigger: runs the function at each
/// occurrence of its schedule (UTC), one run at a time. A run that fails is logged and the next
/// occurrence runs as usual, as on the host: timer functions are written to pick up what an earlier
/// run left. Occurrences missed while a run was still going are not made up (the host's past-due run
/// is one run, too).
/// </summary>
internal sealed partial class TimerListener(TimerFunctionDefinition function, IServiceScopeFactory scopes, TimeProvider time, ILogger<TimerListener> logger) : BackgroundService
{
    public string FunctionName => function.Name;

    /// <summary>A schedule as the Functions host reads it: six fields, seconds first.</summary>
    public static NCrontab.CrontabSchedule ParseSchedule(string schedule) =>
        NCrontab.CrontabSchedule.Parse(schedule, new NCrontab.CrontabSchedule.ParseOptions { IncludingSeconds = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Parsed when it starts, after the settings were validated (a bad %Setting% schedule is named there).
        var schedule = ParseSchedule(function.ResolvedSchedule);
        Log.Started(logger, function.Name, function.ResolvedSchedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            var next = schedule.GetNextOccurrence(now);
            try
            {
                await Task.Delay(next - now, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                // A scope per run, as for a queue invocation: the function and what it takes are made in it.
                await using var scope = scopes.CreateAsyncScope();
                await function.Invoke(scope.ServiceProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Type only: a message can carry what the function was working on.
                Log.RunFailed(logger, function.Name, ex.GetType().Name);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{FunctionName}: timer listener started (schedule {Schedule}, UTC).")]
        public static partial void Started(ILogger logger, string functionName, string schedule);

        [LoggerMessage(2, LogLevel.Error, "{FunctionName}: this run failed ({ErrorType}); the next one picks up what it left.")]
        public static partial void RunFailed(ILogger logger, string functionName, string errorType);
    }
}
