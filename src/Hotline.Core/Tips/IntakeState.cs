using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;

namespace Hotline.Tips;

/// <summary>
/// Small records the intake keeps beside the reports, in the <c>intake</c> container: which tip id an
/// idempotency key or a Twilio MessageSid already got, and which case an SMS pseudonym is in. Names are
/// keyed hashes or pseudonyms; contents are tip ids, sequence numbers and labels, never anything a
/// tipster wrote, and they are sealed (<see cref="IntakeSecrets"/>): every value is sealed on write and
/// opened on read here, so callers handle plain values.
/// </summary>
public sealed class IntakeState
{
    private readonly BlobContainerClient _container;
    private readonly IntakeSecrets _secrets;

    public IntakeState(HotlineStorage storage, IntakeSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(secrets);
        _container = storage.Blobs.GetBlobContainerClient(StorageNames.IntakeContainer);
        _secrets = secrets;
    }

    /// <summary>
    /// Claims <paramref name="candidate"/> for the idempotency key, or returns the record an earlier
    /// request with the same key claimed. Conditional create: two racing requests get one id.
    /// </summary>
    public async Task<(IdempotencyRecord Record, bool Claimed)> ClaimAsync(string scope, string idempotencyKey, IdempotencyRecord candidate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(scope);
        ArgumentException.ThrowIfNullOrEmpty(idempotencyKey);
        ArgumentNullException.ThrowIfNull(candidate);
        var (value, claimed) = await ClaimRecordAsync(IdempotencyRecordName(scope, idempotencyKey), candidate.ToBinaryData(), cancellationToken).ConfigureAwait(false);
        return (IdempotencyRecord.Parse(value), claimed);
    }

    /// <summary>Creates the record unless it exists; returns what is stored and whether this call created it.</summary>
    public async Task<(BinaryData Value, bool Claimed)> ClaimRecordAsync(string name, BinaryData candidate, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var blob = _container.GetBlobClient(name);
        if (await TryWriteAsync(blob, _secrets.Seal(name, candidate), new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken).ConfigureAwait(false))
        {
            return (candidate, true);
        }

        return (_secrets.Open(name, (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content), false);
    }

    /// <summary>Reads a record with its ETag, or (null, null) when there is none; (null, ETag) when it cannot be opened.</summary>
    public async Task<(BinaryData? Value, ETag? ETag)> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        try
        {
            var result = (await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value;
            try
            {
                return (_secrets.Open(name, result.Content), result.Details.ETag);
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException)
            {
                // Altered, or sealed under another pepper: unreadable, so treated as absent; the ETag lets
                // the caller replace it (a conversation pointer) instead of failing on it for good.
                return (null, result.Details.ETag);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return (null, null);
        }
    }

    /// <summary>
    /// Writes a record only if it is unchanged since it was read (<paramref name="etag"/>), or does not
    /// exist yet (null): false when someone else wrote first, and the caller reads again.
    /// </summary>
    public Task<bool> TrySaveAsync(string name, BinaryData value, ETag? etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var conditions = etag is { } e ? new BlobRequestConditions { IfMatch = e } : new BlobRequestConditions { IfNoneMatch = ETag.All };
        return TryWriteAsync(_container.GetBlobClient(name), _secrets.Seal(name, value), conditions, cancellationToken);
    }

    public string IdempotencyRecordName(string scope, string key) => "idempotency/" + _secrets.Hash(scope + "\n" + key);

    /// <summary>A keyed hash for a record name.</summary>
    public string Hash(string value) => _secrets.Hash(value);

    private static async Task<bool> TryWriteAsync(BlobClient blob, BinaryData value, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        try
        {
            await blob.UploadAsync(value, new BlobUploadOptions { Conditions = conditions }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
    }
}
