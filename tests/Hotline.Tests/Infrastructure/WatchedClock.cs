using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// A fake clock that says when code under test has set a timer. Code that waits on the clock often sets
/// its timer from the thread pool; advancing the clock before the timer exists would set it an interval
/// past the advance, and the test would wait for a tick that never comes.
/// </summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _timers = new(0);

    public WatchedClock()
    {
    }

    public WatchedClock(DateTimeOffset start)
        : base(start)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Release();
        return timer;
    }

    /// <summary>Waits until one more timer has been set (each call consumes one).</summary>
    public async Task TimerSetAsync() =>
        Assert.True(await _timers.WaitAsync(Patience, TestContext.Current.CancellationToken), "nothing set a timer");

    /// <summary>Waits for the next timer to be set, then moves the clock on.</summary>
    public async Task AdvanceWhenSetAsync(TimeSpan by)
    {
        await TimerSetAsync();
        Advance(by);
    }
}
