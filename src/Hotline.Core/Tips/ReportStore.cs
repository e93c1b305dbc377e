using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Core.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Encryption;
using Hotline.Storage;

namespace Hotline.Tips;

/// <summary>
/// Writes report envelopes to the <c>tips</c> container with client-side encryption v2
/// (AES-256-GCM, a fresh content key per blob, wrapped with the hotline's RSA public key), written by
/// <see cref="ClientSideEncryptionV2"/> rather than the SDK's encryptor; the SDK still reads every blob.
/// Blobs are written once (<c>If-None-Match: *</c>); their names derive from the tip id alone, and the one
/// metadata entry of ours is the write's mark (<see cref="WriteMarkMetadata"/>), random or a keyed MAC that
/// looks random: nothing outside the ciphertext says anything about a report.
/// </summary>
public sealed class ReportStore
{
    private readonly BlobContainerClient _container;
    private readonly IKeyEncryptionKey _keyEncryptionKey;

    public ReportStore(HotlineStorage storage, IKeyEncryptionKey keyEncryptionKey)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(keyEncryptionKey);
        _container = storage.Tips;
        _keyEncryptionKey = keyEncryptionKey;
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
        var (ciphertext, encryptionData) = await ClientSideEncryptionV2.EncryptAsync(content, _keyEncryptionKey, RsaKeyEncryptionKey.Algorithm, cancellationToken).ConfigureAwait(false);
        await _container.GetBlobClient(blobName).UploadAsync(
            BinaryData.FromBytes(ciphertext),
            new BlobUploadOptions { Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ClientSideEncryptionV2.MetadataName] = encryptionData } },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The metadata entry a create-once write is marked with, beside <c>encryptiondata</c>. Written with
    /// the blob in the same request: Set Blob Metadata would drop <c>encryptiondata</c>, and is never called.
    /// </summary>
    public const string WriteMarkMetadata = "writemark";

    /// <summary>
    /// A mark for one write: 256 random bits, hex. Random, so it says nothing of the report (its content, channel or
    /// time) and ties the blob to nothing else stored; the shape of a keyed mark (<see cref="IntakeSecrets.WriteMark"/>),
    /// so a reader of the account cannot tell which kind a blob has either.
    /// </summary>
    public static string NewWriteMark() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Encrypts and stores a JSON document of a case (a note, a reply, a media record) under a new name. Returns
    /// false when a blob of that name already exists and is not this call's own write: nothing is overwritten.
    /// Returns only once the storage service has durably committed the blob.
    /// </summary>
    public async Task<bool> TryCreateAsync(string blobName, byte[] json, CancellationToken cancellationToken = default) =>
        await CreateOnceAsync(blobName, json, writeMark: null, cancellationToken).ConfigureAwait(false) is CreateOutcome.Created or CreateOutcome.AlreadyStored;

    /// <summary>
    /// Encrypts and stores the envelope under a new name, marked with <paramref name="writeMark"/> (null: a fresh
    /// random one, this call's alone), and says whose blob the name holds if it was not free: nothing is
    /// overwritten. Returns only once the storage service has durably committed the blob.
    /// </summary>
    public Task<CreateOutcome> CreateOnceAsync(string blobName, TipReport report, string? writeMark, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        return CreateOnceAsync(blobName, report.ToUtf8Json(), writeMark, cancellationToken);
    }

    /// <summary>As <see cref="CreateOnceAsync(string, TipReport, string?, CancellationToken)"/>, for any JSON document of a case.</summary>
    public async Task<CreateOutcome> CreateOnceAsync(string blobName, byte[] json, string? writeMark, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentNullException.ThrowIfNull(json);
        writeMark ??= NewWriteMark();
        var (ciphertext, encryptionData) = await ClientSideEncryptionV2.EncryptAsync(Padded(json), _keyEncryptionKey, RsaKeyEncryptionKey.Algorithm, cancellationToken).ConfigureAwait(false);
        try
        {
            // One Put Blob: the key material and the mark travel with the content, so no reader ever sees one without the other.
            await _container.GetBlobClient(blobName).UploadAsync(
                BinaryData.FromBytes(ciphertext),
                new BlobUploadOptions
                {
                    Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ClientSideEncryptionV2.MetadataName] = encryptionData, [WriteMarkMetadata] = writeMark },
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                },
                cancellationToken).ConfigureAwait(false);
            return CreateOutcome.Created;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // A 409 is not proof that someone else holds the name: when the answer to this very write was lost after
            // storage committed it (a reset, a timeout), the SDK retried the same request and got 409 for its own
            // blob. The mark went with the request, so the blob says whose it is.
            var properties = (await _container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return !properties.Metadata.TryGetValue(WriteMarkMetadata, out var found) ? CreateOutcome.Unmarked
                : string.Equals(found, writeMark, StringComparison.Ordinal) ? CreateOutcome.AlreadyStored
                : CreateOutcome.Taken;
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
