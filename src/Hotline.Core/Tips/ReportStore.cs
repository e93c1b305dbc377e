using System.Net;
using Azure;
using Azure.Core.Cryptography;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hotline.Encryption;
using Hotline.Storage;

namespace Hotline.Tips;

/// <summary>
/// Writes report envelopes to the <c>tips</c> container with client-side encryption v2
/// (AES-256-GCM, a fresh content key per blob, wrapped with the hotline's RSA public key).
/// Blobs are written once (<c>If-None-Match: *</c>); their names derive from the tip id alone and
/// they carry no metadata of ours, so nothing outside the ciphertext says anything about a report.
/// </summary>
public sealed class ReportStore
{
    private readonly BlobContainerClient _container;
    private readonly ClientSideEncryptionOptions _encryption;

    public ReportStore(HotlineStorage storage, IKeyEncryptionKey keyEncryptionKey)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(keyEncryptionKey);
        _container = storage.Tips;
        _encryption = new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0)
        {
            KeyEncryptionKey = keyEncryptionKey,
            KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm,
        };
    }

    /// <summary>The first message of a case: <c>{TIPID}/report</c>.</summary>
    public static string ReportBlobName(TipId id) => $"{id.Compact}/report";

    /// <summary>A later message of an SMS case: <c>{TIPID}/message-0002</c>, ...</summary>
    public static string MessageBlobName(TipId id, int sequence) => $"{id.Compact}/message-{sequence:D4}";

    /// <summary>A message's media record: <c>{TIPID}/media-0002</c> for message 2 (<c>media-0001</c> for the report's).</summary>
    public static string MediaRecordBlobName(TipId id, int sequence) => $"{id.Compact}/media-{sequence:D4}";

    /// <summary>One media item of a message: <c>{TIPID}/media-0002-1</c>, ...</summary>
    public static string MediaBlobName(TipId id, int sequence, int index) => $"{id.Compact}/media-{sequence:D4}-{index}";

    /// <summary>
    /// Encrypts and stores one media item's bytes. Overwrites: a retried fetch stores the same bytes under the
    /// same name, so a message's media ends as one copy however often it was fetched. Not padded: its size is
    /// in its record anyway, and padding a video to a power of two would double what is stored.
    /// </summary>
    public async Task StoreMediaAsync(string blobName, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        await _container.GetBlobClient(blobName).WithClientSideEncryptionOptions(_encryption)
            .UploadAsync(BinaryData.FromBytes(content), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Encrypts and stores the envelope under a new name. Returns false when a blob of that name
    /// already exists (a retry already stored it, or an id collision): nothing is overwritten.
    /// Returns only once the storage service has durably committed the blob.
    /// </summary>
    public Task<bool> TryCreateAsync(string blobName, TipReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return TryCreateAsync(blobName, report.ToUtf8Json(), cancellationToken);
    }

    /// <summary>As <see cref="TryCreateAsync(string, TipReport, CancellationToken)"/>, for any JSON document of a case (a note, a reply).</summary>
    public async Task<bool> TryCreateAsync(string blobName, byte[] json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentNullException.ThrowIfNull(json);
        var blob = _container.GetBlobClient(blobName).WithClientSideEncryptionOptions(_encryption);
        try
        {
            await blob.UploadAsync(
                BinaryData.FromBytes(Padded(json)),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            return false;
        }
    }

    /// <summary>The smallest size bucket: most reports fit in it.</summary>
    public const int MinPaddedSize = 1024;

    /// <summary>
    /// The envelope padded with trailing spaces (valid JSON whitespace, ignored by every reader) to the next
    /// power of two from 1 KiB: the ciphertext is the plaintext's length plus 28 bytes, so without it a blob's
    /// size would say how long a report is (a one-word HELP from a long account of a journey).
    /// </summary>
    internal static byte[] Padded(byte[] json)
    {
        var size = MinPaddedSize;
        while (size < json.Length)
        {
            size *= 2;
        }

        var padded = new byte[size];
        json.CopyTo(padded, 0);
        padded.AsSpan(json.Length).Fill((byte)' ');
        return padded;
    }

    public async Task<bool> ExistsAsync(string blobName, CancellationToken cancellationToken = default) =>
        (await _container.GetBlobClient(blobName).ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;
}
