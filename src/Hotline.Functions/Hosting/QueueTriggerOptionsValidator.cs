using System.Globalization;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Hosting;

/// <summary>
/// Checks the queue settings at start-up, each failure naming its setting. Written out rather than
/// data annotations, whose TimeSpan ranges need reflection (not trimming- or Native AOT-safe).
/// </summary>
public sealed class QueueTriggerOptionsValidator : IValidateOptions<QueueTriggerOptions>
{
    private const string Prefix = "AzureFunctionsJobHost__extensions__queues__";

    public ValidateOptionsResult Validate(string? name, QueueTriggerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Check(failures, nameof(options.MaxDequeueCount), options.MaxDequeueCount, 1, 100);
        Check(failures, nameof(options.VisibilityTimeout), options.VisibilityTimeout, TimeSpan.Zero, TimeSpan.FromDays(7));
        Check(failures, nameof(options.BatchSize), options.BatchSize, 1, 32);
        Check(failures, nameof(options.NewBatchThreshold), options.EffectiveNewBatchThreshold, 0, 1000);
        Check(failures, nameof(options.MaxPollingInterval), options.MaxPollingInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        if (!QueueTriggerOptions.IsKnownEncoding(options.MessageEncoding))
        {
            // Never the value: only the two the host knows.
            failures.Add($"{Prefix}{nameof(options.MessageEncoding)} (host.json extensions.queues) must be base64 or none.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check<T>(List<string> failures, string setting, T value, T min, T max)
        where T : IComparable<T>, IFormattable
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{setting} (host.json extensions.queues) must be between {min} and {max}."));
        }
    }
}
