using Azure.Storage.Queues;
using Hotline.Storage;
using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>Sends triage messages (ids and labels only, never content) to the <c>triage</c> queue.</summary>
public sealed class TriageSender
{
    private readonly QueueClient _queue;

    public TriageSender(HotlineStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _queue = storage.Queue(StorageNames.TriageQueue);
    }

    public async Task EnqueueAsync(TriageMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // TTL -1: a triage message waits for a responder however long the outage; the default 7 days could drop it.
        await _queue.SendMessageAsync(message.ToJson(), visibilityTimeout: null, timeToLive: TimeSpan.FromSeconds(-1), cancellationToken).ConfigureAwait(false);
    }
}
