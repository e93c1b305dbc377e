using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// An Azurite for one test class, for tests that inspect the fixed <c>triage</c> queue (tests in a
/// class run one at a time, so each can drain the queue and know every message is its own).
/// </summary>
public sealed class OwnAzurite : IAsyncLifetime
{
    private Azurite? _azurite;

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Azurite.ConnectionString;

    public QueueClient Queue(string name) => new(ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Takes every message now visible on a queue (and deletes them).</summary>
    public async Task<List<QueueMessage>> DrainAsync(string name, CancellationToken cancellationToken = default)
    {
        var queue = Queue(name);
        var all = new List<QueueMessage>();
        if (!await queue.ExistsAsync(cancellationToken))
        {
            return all;
        }

        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30), cancellationToken)).Value;
            if (batch.Length == 0)
            {
                return all;
            }

            foreach (var message in batch)
            {
                all.Add(message);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken);
            }
        }
    }

    public async ValueTask InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}
