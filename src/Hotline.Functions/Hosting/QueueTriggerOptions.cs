using System.ComponentModel.DataAnnotations;

namespace Hotline.Functions.Hosting;

/// <summary>
/// The queue trigger's settings, read from host.json <c>extensions.queues</c> (overridable as in
/// Azure with <c>AzureFunctionsJobHost__extensions__queues__*</c>), so the standalone listener
/// behaves as the Functions host would with the same file.
/// </summary>
public sealed class QueueTriggerOptions
{
    public const string SectionName = "AzureFunctionsJobHost:extensions:queues";

    /// <summary>Deliveries before a failing message moves to the poison queue.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its retry.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Messages fetched and run in parallel per poll.</summary>
    [Range(1, 32)]
    public int BatchSize { get; set; } = 16;

    /// <summary>The longest wait between polls of an empty queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a message being processed stays hidden from other listeners (the host's lease).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MessageLease { get; set; } = TimeSpan.FromMinutes(2);
}
