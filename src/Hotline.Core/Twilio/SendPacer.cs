using Polly;

namespace Hotline.Twilio;

/// <summary>
/// Spaces outgoing requests at least <c>1 / rate</c> apart, process-wide. A token bucket would
/// do on average, but it refills on a timer tick and so lets two sends through back to back
/// across a tick; Twilio's long-code limit is per second, and a queued-up burst at Twilio delays
/// exactly the urgent alert that came last. Callers take turns in two lines, first in, first out
/// within each: an urgent send (<see cref="SendPriority"/>) goes before every waiting ordinary one,
/// so a flood of ordinary alerts (or forged tips) cannot hold up a real urgent page. Only the caller
/// whose turn it is waits for the clock, so a caller that gives up (cancelled) leaves the line
/// without holding a slot that later sends would have to wait out.
/// </summary>
public sealed class SendPacer : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _ordinary = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private bool _busy;
    private long? _lastSlot;

    public SendPacer(double perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _interval = TimeSpan.FromSeconds(1 / perSecond);
    }

    public TimeSpan Interval => _interval;

    /// <summary>Waits for this caller's slot: at least <see cref="Interval"/> after the previous one.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => WaitAsync(urgent: false, cancellationToken);

    /// <summary>As <see cref="WaitAsync(CancellationToken)"/>; an urgent caller is served before every ordinary one waiting.</summary>
    public async Task WaitAsync(bool urgent, CancellationToken cancellationToken)
    {
        await TakeTurnAsync(urgent, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_lastSlot is { } last)
            {
                var wait = _interval - _time.GetElapsedTime(last);
                if (wait > TimeSpan.Zero)
                {
                    // Cancelled here, the slot is not taken: the next caller's wait counts from the previous send.
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
            }

            _lastSlot = _time.GetTimestamp();
        }
        finally
        {
            PassTurn();
        }
    }

    private async Task TakeTurnAsync(bool urgent, CancellationToken cancellationToken)
    {
        TaskCompletionSource turn;
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!_busy)
            {
                _busy = true;
                return;
            }

            turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _ordinary).Enqueue(turn);
        }

        // A cancelled waiter stays in its line; PassTurn skips it (its TrySetResult fails).
        await using (cancellationToken.Register(static t => ((TaskCompletionSource)t!).TrySetCanceled(), turn).ConfigureAwait(false))
        {
            await turn.Task.ConfigureAwait(false);
        }
    }

    private void PassTurn()
    {
        lock (_gate)
        {
            while (_urgent.TryDequeue(out var next) || _ordinary.TryDequeue(out next))
            {
                if (next.TrySetResult())
                {
                    return;
                }
            }

            _busy = false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var waiter in _urgent.Concat(_ordinary))
            {
                waiter.TrySetCanceled();
            }
        }
    }
}

/// <summary>
/// One strategy of the alert pipeline, between the retries and the attempt timeout: every attempt,
/// retries included, first waits for its pacer slot (when the client is paced), and that wait is
/// neither part of the attempt's timeout nor of the request's <see cref="HttpDeliveryOptions.TotalTimeout"/>
/// budget: a long queue of paced sends must not fail merely for waiting its turn. It keeps when
/// the request started and how long it waited in the execution's properties, for <see cref="ActiveTime"/>.
/// </summary>
internal sealed class PacedAttemptStrategy(SendPacer? pacer, TimeProvider time) : ResilienceStrategy<HttpResponseMessage>
{
    private static readonly ResiliencePropertyKey<long> StartedKey = new("Hotline.Delivery.Started");
    private static readonly ResiliencePropertyKey<TimeSpan> PacedKey = new("Hotline.Delivery.Paced");

    /// <summary>Time the request has spent on attempts and back-off so far, pacing waits left out.</summary>
    public static TimeSpan ActiveTime(ResilienceContext context, TimeProvider time) =>
        context.Properties.TryGetValue(StartedKey, out var started)
            ? time.GetElapsedTime(started) - context.Properties.GetValue(PacedKey, TimeSpan.Zero)
            : TimeSpan.Zero;

    protected override async ValueTask<Outcome<HttpResponseMessage>> ExecuteCore<TState>(
        Func<ResilienceContext, TState, ValueTask<Outcome<HttpResponseMessage>>> callback, ResilienceContext context, TState state)
    {
        if (!context.Properties.TryGetValue(StartedKey, out _))
        {
            context.Properties.Set(StartedKey, time.GetTimestamp());
        }

        if (pacer is not null)
        {
            var before = time.GetTimestamp();
            try
            {
                await pacer.WaitAsync(SendPriority.IsUrgent, context.CancellationToken).ConfigureAwait(context.ContinueOnCapturedContext);
            }
            catch (OperationCanceledException ex)
            {
                return Outcome.FromException<HttpResponseMessage>(ex);
            }

            context.Properties.Set(PacedKey, context.Properties.GetValue(PacedKey, TimeSpan.Zero) + time.GetElapsedTime(before));
        }

        return await callback(context, state).ConfigureAwait(context.ContinueOnCapturedContext);
    }
}
