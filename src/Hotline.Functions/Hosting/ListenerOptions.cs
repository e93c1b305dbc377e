using System.Globalization;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Hosting;

/// <summary>
/// Settings of the standalone queue listener that the Functions host has no counterpart for (section
/// <c>Hotline:Queues</c>, env <c>Hotline__Queues__*</c>). Kept out of the host's <c>extensions.queues</c>,
/// which holds only what the host itself reads.
/// </summary>
public sealed class ListenerOptions
{
    public const string SectionName = "Hotline:Queues";

    /// <summary>
    /// How long a message being processed stays hidden from other listeners, renewed at half its length while
    /// the function runs (default 2 minutes). The host holds its messages the same way with a fixed 10 minutes;
    /// standalone holds them shorter, so a message of a process that died comes back sooner.
    /// </summary>
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>
/// Checks <see cref="ListenerOptions"/> at start-up, and refuses the lease where it used to be set (under the
/// host's section, which the host would ignore), so a setting that moved is never silently lost.
/// </summary>
internal sealed class ListenerOptionsValidator(IConfiguration configuration) : IValidateOptions<ListenerOptions>
{
    private const string OldSetting = QueueTriggerOptions.SectionName + ":messageLease";

    public ValidateOptionsResult Validate(string? name, ListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MessageLease < TimeSpan.FromSeconds(1) || options.MessageLease > TimeSpan.FromHours(1))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Hotline__Queues__MessageLease must be between {TimeSpan.FromSeconds(1)} and {TimeSpan.FromHours(1)}."));
        }

        if (configuration[OldSetting] is not null)
        {
            failures.Add("AzureFunctionsJobHost__extensions__queues__messageLease is not a setting of the Functions host: set Hotline__Queues__MessageLease instead.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
