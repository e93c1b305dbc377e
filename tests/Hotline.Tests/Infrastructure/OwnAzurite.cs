using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Storage of its own for one test class (or collection), for tests that inspect the fixed <c>triage</c> queue (tests
/// in a class run one at a time, so each can drain the queue and know every message is its own): a fresh account
/// on the run's Azurite, with containers and queues no other test sees, or, once the spare accounts are all taken,
/// an Azurite of its own. Starting an Azurite per class cost the fast tier a third of its CPU.
/// </summary>
public class OwnAzurite(AzuriteFixture? run) : IAsyncLifetime
{
    private Azurite? _azurite;
    private Azurite? _started;
    private string? _connectionString;

    /// <summary>The Azurite process that serves this storage (shared with other tests: never stop it).</summary>
    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => _connectionString ?? throw new InvalidOperationException("Azurite has not started.");

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

    public async ValueTask InitializeAsync()
    {
        _connectionString = run?.Azurite.TakeFreshAccount();
        if (_connectionString is null)
        {
            _started = await Azurite.StartAsync();
            _connectionString = _started.ConnectionString;
        }

        _azurite = _started ?? run!.Azurite;
    }

    public async ValueTask DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
