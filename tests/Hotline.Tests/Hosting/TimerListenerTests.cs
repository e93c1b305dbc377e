using Hotline.Functions.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

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
        var function = new Recording(time);
        await using var services = Services(function);
        using var listener = Listener(services, time);
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
        var function = new Recording(time) { Fails = true };
        await using var services = Services(function);
        using var listener = Listener(services, time);
        await listener.StartAsync(Ct);

        await time.AdvanceWhenSetAsync(TimeSpan.FromMinutes(1));
        await function.Ran(1).WaitAsync(Patience, Ct);
        await time.AdvanceWhenSetAsync(TimeSpan.FromMinutes(1));
        await function.Ran(2).WaitAsync(Patience, Ct);

        await listener.StopAsync(Ct);
    }

    private static ServiceProvider Services(Recording recording) =>
        new ServiceCollection().AddSingleton(recording).BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

    /// <summary>The listener as the app registers it: the function made per run from the run's scope.</summary>
    private static TimerListener Listener(ServiceProvider services, WatchedClock time) =>
        new(FunctionRegistration.TimerDefinition<RecordingFunction>(new ConfigurationBuilder().Build()), services.GetRequiredService<IServiceScopeFactory>(), time, NullLogger<TimerListener>.Instance);

    /// <summary>A timer function every minute (the listener is what is under test here).</summary>
    private sealed class RecordingFunction(Recording recording) : ITimerFunction
    {
        static string ITimerFunction.Name => "Recording";

        static string ITimerFunction.Schedule => "0 * * * * *";

        public Task RunAsync(CancellationToken cancellationToken) => recording.RunAsync();
    }

    /// <summary>When the function ran: shared by the instances each run makes.</summary>
    private sealed class Recording(WatchedClock time)
    {
        private readonly List<DateTimeOffset> _runs = [];
        private readonly SemaphoreSlim _ran = new(0);

        public bool Fails { get; init; }

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

        public Task RunAsync()
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
