namespace Hotline.Twilio;

/// <summary>
/// Resilience of outgoing alert requests (Twilio and webhooks), section <c>Hotline:Dispatch:Http</c>.
/// The defaults keep a whole delivery inside a queue message's lease; tests make them small.
/// Apart from <c>DispatchOptions</c> (who is paged, and when alerts are digested) though
/// under its section: these govern every request through the Twilio clients, which the responder tool's replies,
/// media downloads and deletions use without dispatch, and the ledger's claims last as long as they allow.
/// </summary>
public sealed class HttpDeliveryOptions
{
    public const string SectionName = "Hotline:Dispatch:Http";

    /// <summary>One attempt's limit: a hung connection must not hold an alert.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// All attempts together, back-off included, waits for a pacer slot not: no retry starts once
    /// this is used up (an attempt under way still has its <see cref="AttemptTimeout"/>).
    /// </summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after the first attempt, on 408/429/5xx, network errors and timeouts only.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>First back-off delay; it grows exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait a <c>Retry-After</c> header gets before the retry (plus up to a fifth of it as
    /// jitter): a server asking for an hour must not hold an alert, nor the queue message, that long.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);
}
