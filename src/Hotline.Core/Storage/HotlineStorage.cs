using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace Hotline.Storage;

/// <summary>
/// Hotline's storage account: the service clients built from <see cref="StorageConnection"/>.
/// Queue messages are written with <see cref="HotlineStorageOptions.MessageEncoding"/>: base64 unless the
/// app's <c>messageEncoding</c> (host.json <c>extensions.queues</c>) says none.
/// </summary>
public sealed class HotlineStorage
{
    public HotlineStorage(StorageConnection connection, HotlineStorageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options ??= new HotlineStorageOptions();
        Connection = connection;

        var blobOptions = new BlobClientOptions();
        var queueOptions = new QueueClientOptions { MessageEncoding = options.MessageEncoding };
        var rawQueueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None };
        foreach (var retry in new[] { blobOptions.Retry, queueOptions.Retry, rawQueueOptions.Retry })
        {
            retry.MaxRetries = options.MaxRetries;
            retry.NetworkTimeout = options.NetworkTimeout;
        }

        if (options.Transport is { } transport)
        {
            blobOptions.Transport = queueOptions.Transport = rawQueueOptions.Transport = transport;
        }

        if (connection.ConnectionString is { } cs)
        {
            Blobs = new BlobServiceClient(cs, blobOptions);
            Queues = new QueueServiceClient(cs, queueOptions);
            RawQueues = new QueueServiceClient(cs, rawQueueOptions);
        }
        else
        {
            Blobs = new BlobServiceClient(connection.BlobServiceUri, connection.Credential, blobOptions);
            Queues = new QueueServiceClient(connection.QueueServiceUri, connection.Credential, queueOptions);
            RawQueues = new QueueServiceClient(connection.QueueServiceUri, connection.Credential, rawQueueOptions);
        }
    }

    public StorageConnection Connection { get; }

    public BlobServiceClient Blobs { get; }

    /// <summary>The queues, message text encoded and decoded with <see cref="HotlineStorageOptions.MessageEncoding"/>.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>
    /// The same queues with message text as stored (no base64), for a reader that decodes by itself: with
    /// base64 decoding in the client, one message that is not base64 fails the whole receive.
    /// </summary>
    public QueueServiceClient RawQueues { get; }

    public BlobContainerClient Tips => Blobs.GetBlobContainerClient(StorageNames.TipsContainer);

    public QueueClient Queue(string name) => Queues.GetQueueClient(name);

    public QueueClient RawQueue(string name) => RawQueues.GetQueueClient(name);

    /// <summary>Creates the containers and queues Hotline uses, if they are missing.</summary>
    public async Task EnsureCreatedAsync(IEnumerable<string> queueNames, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queueNames);
        await Tips.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Blobs.GetBlobContainerClient(StorageNames.IntakeContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Blobs.GetBlobContainerClient(StorageNames.CasesContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Blobs.GetBlobContainerClient(StorageNames.FollowUpContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var queue in queueNames.Distinct(StringComparer.Ordinal))
        {
            await Queue(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
