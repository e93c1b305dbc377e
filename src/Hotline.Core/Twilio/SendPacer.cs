namespace Hotline.Twilio;

/// <summary>
/// Spaces outgoing requests at least <c>1 / rate</c> apart, process-wide. A token bucket would
/// do on average, but it refills on a timer tick and so lets two sends through back to back
/// across a tick; Twilio's long-code limit is per second, and a queued-up burst at Twilio delays
/// exactly the urgent alert that came last. Each send takes one slot.
/// </summary>
public sealed class SendPacer
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private long _nextSlot;

    public SendPacer(double perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _interval = TimeSpan.FromSeconds(1 / perSecond);
    }

    public TimeSpan Interval => _interval;

    /// <summary>Waits for this caller's slot; slots are handed out in call order.</summary>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var slot = Math.Max(now, _nextSlot);
            _nextSlot = slot + (long)(_interval.TotalSeconds * _time.TimestampFrequency);
            wait = _time.GetElapsedTime(now, slot);
        }

        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, _time, cancellationToken);
    }
}

/// <summary>Puts each send through the <see cref="SendPacer"/>; sits outside the retry handler.</summary>
public sealed class PacingHandler(SendPacer pacer) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await pacer.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
