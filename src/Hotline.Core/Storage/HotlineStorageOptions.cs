using Azure.Storage.Queues;

namespace Hotline.Storage;

/// <summary>Transport settings for <see cref="HotlineStorage"/>.</summary>
public sealed class HotlineStorageOptions
{
    public int MaxRetries { get; set; } = 3;

    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How <see cref="HotlineStorage.Queues"/> store message text: base64 (the Functions queue trigger's
    /// default <c>messageEncoding</c>) or none. The app passes its <c>messageEncoding</c>, so what it sends
    /// is what its queue triggers read.
    /// </summary>
    public QueueMessageEncoding MessageEncoding { get; set; } = QueueMessageEncoding.Base64;

    /// <summary>The HTTP transport of every client (null: the SDK's own). The micro-benchmarks give one that answers in-process.</summary>
    public Azure.Core.Pipeline.HttpPipelineTransport? Transport { get; set; }
}
