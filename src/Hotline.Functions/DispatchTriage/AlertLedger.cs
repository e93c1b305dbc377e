using Azure;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;

namespace Hotline.Functions.DispatchTriage;

/// <summary>
/// Which alerts have gone out: one empty-ish blob per (alert key, responder, channel) in the
/// <c>alerts</c> container, written with <c>If-None-Match: *</c>. The queue delivers at least once
/// and the host retries; checking here before a send is what keeps a retry from paging someone
/// twice. Blob names hold the receipt, the urgency, a hash of the responder's name and the channel:
/// no content, no phone number.
/// </summary>
internal sealed class AlertLedger(HotlineStorage storage)
{
    public const string ContainerName = "alerts";

    public async Task<bool> IsRecordedAsync(string ledgerKey, Responder responder, string channel, CancellationToken cancellationToken)
    {
        // A missing container answers 404 like a missing blob: nothing recorded yet.
        return (await Blob(ledgerKey, responder, channel).ExistsAsync(cancellationToken)).Value;
    }

    /// <summary>Records a send; a record that already exists (a concurrent delivery) is fine.</summary>
    public async Task RecordAsync(string ledgerKey, Responder responder, string channel, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        var blob = Blob(ledgerKey, responder, channel);
        var content = BinaryData.FromString($"{{\"sentAt\":\"{sentAt.UtcDateTime:O}\"}}");
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await blob.UploadAsync(content, options, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound && attempt == 0)
            {
                // Created on first use rather than at start-up: the feature owns its container.
                await storage.Blobs.GetBlobContainerClient(ContainerName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
            {
                return;
            }
        }
    }

    private Azure.Storage.Blobs.BlobClient Blob(string ledgerKey, Responder responder, string channel) =>
        storage.Blobs.GetBlobContainerClient(ContainerName).GetBlobClient($"{ledgerKey}/{responder.Key}/{channel}");
}
