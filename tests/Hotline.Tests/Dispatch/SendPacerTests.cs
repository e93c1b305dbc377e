using System.Net;
using Hotline.Tests.Infrastructure;
using Hotline.Twilio;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Dispatch;

/// <summary>The pacer and the Retry-After cap on a fake clock: time moves only when the test says so.</summary>
public sealed class SendPacerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    // Not a timing claim: how long to wait for a continuation that the fake clock has already released.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendPacer_WaitsInARow_AreSpacedByTheInterval()
    {
        var time = new WatchedClock();
        using var pacer = new SendPacer(1, time);

        await pacer.WaitAsync(Ct);
        var second = pacer.WaitAsync(Ct);
        await time.TimerSetAsync();
        time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted);

        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task SendPacer_WaitersInLine_AreServedInCallOrderOnePerInterval()
    {
        var time = new WatchedClock();
        using var pacer = new SendPacer(1, time);
        await pacer.WaitAsync(Ct);

        var second = pacer.WaitAsync(Ct);
        var third = pacer.WaitAsync(Ct);
        await time.TimerSetAsync();
        time.Advance(Interval);
        await second.WaitAsync(Patience, Ct);
        await time.TimerSetAsync();
        Assert.False(third.IsCompleted);

        time.Advance(Interval);
        await third.WaitAsync(Patience, Ct);
    }

    [Fact]
    public async Task SendPacer_UrgentWaiter_IsServedBeforeOrdinaryOnesAlreadyWaiting()
    {
        // Hardening 2: twenty forged tips' alerts in line must not hold up a real urgent page.
        var time = new WatchedClock();
        using var pacer = new SendPacer(1, time);
        await pacer.WaitAsync(Ct);
        var ordinary = Enumerable.Range(0, 5).Select(_ => pacer.WaitAsync(urgent: false, Ct)).ToList();
        var urgent = pacer.WaitAsync(urgent: true, Ct);

        // The first ordinary waiter had taken its turn before the urgent one came, and waits for the clock.
        await time.TimerSetAsync();
        time.Advance(Interval);
        await ordinary[0].WaitAsync(Patience, Ct);

        // Then the urgent one, ahead of the four ordinary sends that were in line before it.
        await time.TimerSetAsync();
        time.Advance(Interval);
        await urgent.WaitAsync(Patience, Ct);
        Assert.All(ordinary.Skip(1), t => Assert.False(t.IsCompleted));

        for (var i = 1; i < ordinary.Count; i++)
        {
            await time.TimerSetAsync();
            time.Advance(Interval);
            await ordinary[i].WaitAsync(Patience, Ct);
        }
    }

    [Fact]
    public async Task SendPacer_CancelledWaiter_DoesNotDelayTheNextOne()
    {
        var time = new WatchedClock();
        using var pacer = new SendPacer(1, time);
        await pacer.WaitAsync(Ct);
        using var giveUp = new CancellationTokenSource();

        var cancelled = pacer.WaitAsync(giveUp.Token);
        var next = pacer.WaitAsync(Ct);
        await time.TimerSetAsync();
        await giveUp.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        // The cancelled caller's slot is not kept: the next one goes one interval after the last send, not two.
        await time.TimerSetAsync();
        time.Advance(Interval);
        await next.WaitAsync(Patience, Ct);
    }

    [Fact]
    public void CappedRetryAfter_AnHourAsked_WaitsTheCapPlusAtMostAFifth()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromHours(1));

        var delay = TwilioServiceCollectionExtensions.CappedRetryAfter(response, TimeSpan.FromSeconds(30), new FakeTimeProvider());

        Assert.NotNull(delay);
        Assert.InRange(delay.Value, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(36));
    }

    [Fact]
    public void CappedRetryAfter_ShortWaitAskedOrNone_HonoursItOrLeavesTheBackOff()
    {
        var time = new FakeTimeProvider();
        using var asked = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        asked.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(time.GetUtcNow().AddSeconds(2));
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        var delay = TwilioServiceCollectionExtensions.CappedRetryAfter(asked, TimeSpan.FromSeconds(30), time);

        Assert.NotNull(delay);
        Assert.InRange(delay.Value, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
        Assert.Null(TwilioServiceCollectionExtensions.CappedRetryAfter(none, TimeSpan.FromSeconds(30), time));
    }
}
