using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;
using Hotline.Tips;

namespace Hotline.Cases;

/// <summary>
/// The case records: one empty blob per case in the <c>cases</c> container, named by the compact
/// receipt, the record in its metadata. Intake writes it with every message; the responder tool sets
/// the status. Every change is a read, a merge and a write conditional on the ETag read, so intake and
/// responders never undo each other's changes; merges only move forward (more messages, a later time,
/// a higher urgency), so a retried message changes nothing.
/// </summary>
public sealed class CaseStore
{
    public const string ContainerName = StorageNames.CasesContainer;
    private const int MaxRounds = 8;
    private readonly BlobContainerClient _container;

    public CaseStore(HotlineStorage storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        _container = storage.Blobs.GetBlobContainerClient(ContainerName);
    }

    /// <summary>Records one stored message in its case (creating the record with the first one).</summary>
    public Task RecordMessageAsync(CaseMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);

        // A case's first message almost always finds no record: create it without reading first (a read
        // that finds nothing costs a round trip and an exception), and merge only if one exists after all.
        return UpdateAsync(message.TipId, likelyNew: message.Sequence == 1, existing => existing is null
            ? new CaseRecord(message.TipId.ToString(), message.Channel, message.Urgency, message.Language, CaseStatus.New, message.ReceivedAt, message.ReceivedAt, message.Sequence, message.ContactPaused == true)
            : existing with
            {
                Urgency = message.Urgency > existing.Urgency ? message.Urgency : existing.Urgency,
                ReceivedAt = message.Sequence == 1 ? message.ReceivedAt : existing.ReceivedAt,
                LastMessageAt = message.ReceivedAt > existing.LastMessageAt ? message.ReceivedAt : existing.LastMessageAt,
                Messages = Math.Max(existing.Messages, message.Sequence),

                // The pause follows the latest message that says something about it.
                ContactPaused = message.ContactPaused is { } paused && message.ReceivedAt >= existing.LastMessageAt ? paused : existing.ContactPaused,
            },
            cancellationToken);
    }

    /// <summary>
    /// Sets a case's status at <paramref name="at"/> (an activity: retention counts from it, and from a closing); false
    /// when there is no such case.
    /// </summary>
    public async Task<bool> SetStatusAsync(TipId id, CaseStatus status, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var found = true;
        await UpdateAsync(id, likelyNew: false, existing =>
        {
            found = existing is not null;
            return existing is null ? null : existing with
            {
                Status = status,
                ActivityAt = Later(existing.ActivityAt, at),
                ClosedAt = status != CaseStatus.Closed ? null : existing.Status == CaseStatus.Closed ? existing.ClosedAt ?? at : at,
            };
        }, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Notes when the tipster last opened the conversation with their code (a date for the responders, no more).</summary>
    public Task MarkTipsterReadAsync(TipId id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, likelyNew: false, existing => existing is null || existing.TipsterReadAt >= at ? null : existing with { TipsterReadAt = at }, cancellationToken);

    /// <summary>Notes that a responder has seen the case's first <paramref name="messages"/> messages (what <c>tips list</c> counts unread from).</summary>
    public Task MarkSeenAsync(TipId id, int messages, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, likelyNew: false, existing => existing is null || existing.SeenMessages >= messages ? null : existing with { SeenMessages = messages }, cancellationToken);

    /// <summary>Notes a responder's activity on the case (a reply or a note): retention counts from the last one.</summary>
    public Task TouchAsync(TipId id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        UpdateAsync(id, likelyNew: false, existing => existing is null ? null : existing with { ActivityAt = Later(existing.ActivityAt, at) }, cancellationToken);

    /// <summary>Holds the case until <paramref name="until"/> (a held case does not expire before it), or releases it (null); false when there is no such case.</summary>
    public async Task<bool> HoldAsync(TipId id, DateTimeOffset? until, CancellationToken cancellationToken = default)
    {
        var found = true;
        await UpdateAsync(id, likelyNew: false, existing =>
        {
            found = existing is not null;
            return existing is null ? null : existing with { HeldUntil = until };
        }, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>The record and the ETag it was read under (what <see cref="DeleteRecordAsync"/> is conditional on); null when there is none.</summary>
    public async Task<(CaseRecord Record, ETag ETag)?> GetWithETagAsync(TipId id, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = (await _container.GetBlobClient(id.Compact).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return CaseRecord.FromMetadata(id.ToString(), properties.Metadata) is { } record ? (record, properties.ETag) : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Deletes the case record if it is still as read under <paramref name="etag"/>: of two runs deleting the same case,
    /// exactly one gets true; a record changed since (a new message) is kept.
    /// </summary>
    public async Task<bool> DeleteRecordAsync(TipId id, ETag etag, CancellationToken cancellationToken = default)
    {
        try
        {
            await _container.GetBlobClient(id.Compact).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = etag }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return false;
        }
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    public async Task<CaseRecord?> GetAsync(TipId id, CancellationToken cancellationToken = default)
    {
        try
        {
            var properties = await _container.GetBlobClient(id.Compact).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return CaseRecord.FromMetadata(id.ToString(), properties.Value.Metadata);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    /// <summary>
    /// Every case record, in storage order (by receipt): one listing request per 5,000 cases, nothing
    /// decrypted. A blob whose metadata is not a record is skipped.
    /// </summary>
    public async IAsyncEnumerable<CaseRecord> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var pages = _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken);
        await using var items = pages.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await items.MoveNextAsync().ConfigureAwait(false))
                {
                    yield break;
                }
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                yield break; // no case yet
            }

            if (TipId.TryParse(items.Current.Name, out var id) && CaseRecord.FromMetadata(id.Value.ToString(), items.Current.Metadata) is { } record)
            {
                yield return record;
            }
        }
    }

    /// <summary>
    /// Read, change, write under the ETag read; again when someone else wrote in between. <paramref name="likelyNew"/>:
    /// the first round creates the record without reading (create-only, so it never overwrites one).
    /// </summary>
    private async Task UpdateAsync(TipId id, bool likelyNew, Func<CaseRecord?, CaseRecord?> change, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(id.Compact);
        for (var round = 0; round < MaxRounds; round++)
        {
            CaseRecord? existing = null;
            ETag? etag = null;
            if (!(likelyNew && round == 0))
            {
                try
                {
                    var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                    existing = CaseRecord.FromMetadata(id.ToString(), properties.Metadata);
                    etag = properties.ETag;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                }
            }

            var updated = change(existing);
            if (updated is null || updated == existing)
            {
                return;
            }

            try
            {
                if (etag is { } match)
                {
                    await blob.SetMetadataAsync(updated.ToMetadata(), new BlobRequestConditions { IfMatch = match }, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Metadata = updated.ToMetadata(), Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Written by someone else since we read it: read again and merge.
            }
        }

        throw new RequestFailedException(409, $"The case record of {id} kept changing under {MaxRounds} updates.");
    }
}
