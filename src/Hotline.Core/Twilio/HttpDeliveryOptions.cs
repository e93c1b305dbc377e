using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

/// <summary>
/// Resilience of outgoing alert requests (Twilio and webhooks), section <c>Hotline:Dispatch:Http</c>.
/// The defaults keep a whole delivery inside a queue message's lease; tests make them small.
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

public sealed class HttpDeliveryOptionsValidator : IValidateOptions<HttpDeliveryOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpDeliveryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.AttemptTimeout < TimeSpan.FromMilliseconds(10) || options.AttemptTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Hotline__Dispatch__Http__AttemptTimeout must be between 00:00:00.010 and 00:05:00.");
        }

        if (options.TotalTimeout < options.AttemptTimeout || options.TotalTimeout > TimeSpan.FromMinutes(10))
        {
            failures.Add("Hotline__Dispatch__Http__TotalTimeout must be at least AttemptTimeout and at most 00:10:00.");
        }

        if (options.MaxRetries is < 0 or > 10)
        {
            failures.Add("Hotline__Dispatch__Http__MaxRetries must be between 0 and 10.");
        }

        if (options.RetryBaseDelay < TimeSpan.Zero || options.RetryBaseDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add("Hotline__Dispatch__Http__RetryBaseDelay must be between 00:00:00 and 00:01:00.");
        }

        if (options.MaxRetryAfter < TimeSpan.Zero || options.MaxRetryAfter > TimeSpan.FromMinutes(5))
        {
            failures.Add("Hotline__Dispatch__Http__MaxRetryAfter must be between 00:00:00 and 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
