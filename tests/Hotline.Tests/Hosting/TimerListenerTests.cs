using Hotline.Functions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Hosting;

/// <summary>The standalone timer listener on a fake clock: it runs at the schedule's occurrences and nowhere else.</summary>
public sealed class TimerListenerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TimerListener_EveryMinuteSchedule_RunsAtSecondZeroOfEachMinute()
    {
        var time = new WatchedClock(new DateTimeOffset(2026, 12, 2, 10, 0, 30, TimeSpan.Zero));
        var function = new RecordingFunction("0 * * * * *", time);
        using var listener = new TimerListener(function, time, NullLogger<TimerListener>.Instance);
        await listener.StartAsync(Ct);

        await time.AdvanceWhenSetAsync(TimeSpan.FromSeconds(29));
        Assert.Empty(function.Runs);

        time.Advance(TimeSpan.FromSeconds(1));
        await function.Ran(1).WaitAsync(Patience, Ct);
        await time.AdvanceWhenSetAsync(TimeSpan.FromMinutes(1));
        await function.Ran(2).WaitAsync(Patience, Ct);

        Assert.Equal([new DateTimeOffset(2026, 12, 2, 10, 1, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 2, 10, 2, 0, TimeSpan.Zero)], function.Runs);
        await listener.StopAsync(Ct);
    }

    [Fact]
    public async Task TimerListener_RunThrows_RunsAgainAtTheNextOccurrence()
    {
        var time = new WatchedClock(new DateTimeOffset(2026, 12, 2, 10, 0, 0, TimeSpan.Zero));
        var function = new RecordingFunction("0 * * * * *", time) { Fails = true };
        using var listener = new TimerListener(function, time, NullLogger<TimerListener>.Instance);
        await listener.StartAsync(Ct);

        await time.AdvanceWhenSetAsync(TimeSpan.FromMinutes(1));
        await function.Ran(1).WaitAsync(Patience, Ct);
        await time.AdvanceWhenSetAsync(TimeSpan.FromMinutes(1));
        await function.Ran(2).WaitAsync(Patience, Ct);

        await listener.StopAsync(Ct);
    }

    /// <summary>A timer function that records when it ran (the listener is what is under test here).</summary>
    private sealed class RecordingFunction(string schedule, WatchedClock time) : ITimerFunction
    {
        private readonly List<DateTimeOffset> _runs = [];
        private readonly SemaphoreSlim _ran = new(0);

        public bool Fails { get; init; }

        public string Name => "Recording";

        public string Schedule => schedule;

        public IReadOnlyList<DateTimeOffset> Runs
        {
            get
            {
                lock (_runs)
                {
                    return [.. _runs];
                }
            }
        }

        public async Task Ran(int count)
        {
            while (Runs.Count < count)
            {
                await _ran.WaitAsync(Ct);
            }
        }

        public Task RunAsync(CancellationToken cancellationToken)
        {
            lock (_runs)
            {
                _runs.Add(time.GetUtcNow());
            }

            _ran.Release();
            return Fails ? Task.FromException(new InvalidOperationException("run failed")) : Task.CompletedTask;
        }
    }
}
