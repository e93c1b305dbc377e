using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;

namespace Hotline.Tips;

/// <summary>
/// Small unencrypted pointers the intake keeps beside the reports, in the <c>intake</c> container:
/// which tip id an idempotency key (or a Twilio MessageSid) already got. Names are SHA-256
/// hashes of the keys and contents are tip ids, so nothing here says anything about a report.
/// </summary>
public sealed class IntakeState
{
    private readonly BlobContainerClient _container;

    public IntakeState(HotlineStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _container = storage.Blobs.GetBlobContainerClient(StorageNames.IntakeContainer);
    }

    /// <summary>
    /// Claims <paramref name="candidate"/> for the idempotency key, or returns the tip id an earlier
    /// request with the same key claimed. Conditional create: two racing requests get one id.
    /// </summary>
    public async Task<(TipId Id, bool Claimed)> ClaimAsync(string scope, string idempotencyKey, TipId candidate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        var blob = _container.GetBlobClient("idempotency/" + Hash(scope + "\n" + idempotencyKey));
        try
        {
            await blob.UploadAsync(
                BinaryData.FromString(candidate.Compact),
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } },
                cancellationToken).ConfigureAwait(false);
            return (candidate, true);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            var existing = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content.ToString();
            return TipId.TryParse(existing, out var id)
                ? (id.Value, false)
                : throw new InvalidDataException("An idempotency record holds no tip id.");
        }
    }

    internal static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
