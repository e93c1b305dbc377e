using Azure.Storage.Queues;

namespace Hotline.Functions.Hosting;

/// <summary>
/// The queue trigger's settings, read from host.json <c>extensions.queues</c> (overridable as in
/// Azure with <c>AzureFunctionsJobHost__extensions__queues__*</c>), so the standalone listener
/// behaves as the Functions host would with the same file. Only settings the host has are read here;
/// the listener's own are in <see cref="ListenerOptions"/>.
/// </summary>
public sealed class QueueTriggerOptions
{
    public const string SectionName = "AzureFunctionsJobHost:extensions:queues";

    /// <summary>Deliveries before a failing message moves to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>How long a failed message stays invisible before its retry.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Messages fetched and run in parallel per poll.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>
    /// A new batch is fetched once the messages in flight drop to this many (the host's default: half the
    /// batch size). The listener never waits for a whole batch to finish before it looks at the queue again.
    /// </summary>
    public int? NewBatchThreshold { get; set; }

    /// <summary><see cref="NewBatchThreshold"/>, or the host's default.</summary>
    public int EffectiveNewBatchThreshold => NewBatchThreshold ?? BatchSize / 2;

    /// <summary>The longest wait between polls of an empty queue.</summary>
    public TimeSpan MaxPollingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How message text is stored: <c>base64</c> (the host's default) or <c>none</c> (as is), either case, as
    /// the host reads it. The listener decodes by it, and Hotline's own senders encode by it, so one setting
    /// governs both ends of every queue.
    /// </summary>
    public string MessageEncoding { get; set; } = "base64";

    /// <summary><see cref="MessageEncoding"/> as the storage client's option (valid once start-up validation passed).</summary>
    public QueueMessageEncoding Encoding =>
        string.Equals(MessageEncoding, "none", StringComparison.OrdinalIgnoreCase) ? QueueMessageEncoding.None : QueueMessageEncoding.Base64;

    /// <summary>Whether <paramref name="value"/> is a <c>messageEncoding</c> the host knows: <c>base64</c> or <c>none</c>, either case.</summary>
    public static bool IsKnownEncoding(string? value) =>
        string.Equals(value, "base64", StringComparison.OrdinalIgnoreCase) || string.Equals(value, "none", StringComparison.OrdinalIgnoreCase);
}
