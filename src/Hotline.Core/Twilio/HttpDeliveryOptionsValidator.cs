using Microsoft.Extensions.Options;

namespace Hotline.Twilio;

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
