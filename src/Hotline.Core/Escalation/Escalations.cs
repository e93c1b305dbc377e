using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Dispatch;
using Hotline.Storage;
using Hotline.Tips;
using Microsoft.Extensions.Options;

namespace Hotline.Escalation;

/// <summary>
/// Where alerts that wait for an acknowledgement are kept, in the alert ledger's container (<c>alerts</c>), each
/// blob sealed under the pepper (<see cref="IntakeSecrets"/>) and named with keyed hashes, like the send records
/// beside it: a reader of the storage account learns no urgency, responder or phone from them.
/// <list type="bullet">
/// <item><c>{id}/{hash}</c>: the <see cref="EscalationRecord"/> of a case (id: its receipt) or a digest
/// (<c>digest-…</c>); for a receipt a digest covers, a pointer to the digest. A purge of the case finds it.</item>
/// <item><c>escalating/{hash of id}</c>: one per open escalation, what the EscalateOverdue timer walks.</item>
/// <item><c>last/{hash of responder}</c>: the last escalating alert sent to a responder, what <c>ACK</c> alone means.</item>
/// </list>
/// Each step is queued on <c>escalation</c> with a visibility delay of AckWithin: it survives restarts and any instance
/// takes it; the timer backs it up. Records change under <c>If-Match</c>, so two instances never both record a step.
/// </summary>
public sealed class Escalations(HotlineStorage storage, IntakeSecrets secrets, IOptions<EscalationOptions> options, TimeProvider time)
{
    public const string QueueName = "escalation";
    private const string OpenPrefix = "escalating/";
    private const string LastPrefix = "last/";

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(StorageNames.AlertsContainer);

    public EscalationOptions Options => options.Value;

    /// <summary>
    /// Opens the escalation of an alert just paged (idempotent: a redelivered alert finds it open and changes nothing
    /// but the queued step, which a duplicate cannot repeat). One per case: a case already escalating or acknowledged
    /// is not escalated again for a later alert (its urgency rose, its contact was paused).
    /// </summary>
    public async Task OpenAsync(EscalationRecord record, IEnumerable<string> receiptsCovered, IEnumerable<Responder> paged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var created = await CreateAsync(RecordName(record.Id), record, cancellationToken);
        if (created)
        {
            foreach (var receipt in receiptsCovered)
            {
                // A receipt already escalating on its own keeps its own record.
                await CreateAsync(RecordName(receipt), new EscalationRecord { Id = receipt, DigestId = record.Id }, cancellationToken);
            }
        }

        await WriteAsync(OpenName(record.Id), record.Id, cancellationToken);
        await PointLastAsync(record.Id, paged, cancellationToken);
        await QueueAsync(new EscalationMessage(record.Id, Step: 1), options.Value.AckWithin, cancellationToken);
    }

    /// <summary>The record of <paramref name="id"/> and its ETag; a receipt's pointer is followed to its digest. Null when none.</summary>
    public async Task<(EscalationRecord Record, ETag ETag)?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var found = await ReadRawAsync(id, cancellationToken);
        if (found?.Record.DigestId is { } digest)
        {
            found = await ReadRawAsync(digest, cancellationToken);
        }

        return found;
    }

    /// <summary>Replaces the record if nobody changed it since it was read; false when someone did (read it again).</summary>
    public async Task<bool> TryUpdateAsync(EscalationRecord record, ETag etag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var name = RecordName(record.Id);
        try
        {
            await Container.GetBlobClient(name).UploadAsync(Seal(name, record), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 409)
        {
            return false;
        }
    }

    /// <summary>The escalation is over (acknowledged, or everyone paged): the timer need not look at it again.</summary>
    public async Task CloseAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await Container.GetBlobClient(OpenName(id)).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
        }
    }

    /// <summary>The ids of every open escalation (what the timer checks for a step overdue).</summary>
    public async Task<List<string>> OpenIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = OpenPrefix }, cancellationToken))
            {
                if (await ReadTextAsync(item.Name, cancellationToken) is { } id)
                {
                    ids.Add(id);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
        }

        return ids;
    }

    /// <summary>What <c>ACK</c> alone from <paramref name="responder"/> means: the id of the last escalating alert sent to them.</summary>
    public Task<string?> LastSentToAsync(Responder responder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responder);
        return ReadTextAsync(LastName(responder), cancellationToken);
    }

    /// <summary>Records <paramref name="id"/> as the last escalating alert sent to each of <paramref name="responders"/>.</summary>
    public async Task PointLastAsync(string id, IEnumerable<Responder> responders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responders);
        foreach (var responder in responders.Where(r => r.Phone is not null))
        {
            await WriteAsync(LastName(responder), id, cancellationToken);
        }
    }

    /// <summary>Queues <paramref name="message"/>, invisible for <paramref name="delay"/>.</summary>
    public Task QueueAsync(EscalationMessage message, TimeSpan delay, CancellationToken cancellationToken) =>
        ToolAcknowledgements.SendAsync(storage, message, delay, cancellationToken);

    /// <summary>Answers the responder tool's acknowledgement that asked under <paramref name="token"/>.</summary>
    public Task AnswerToolAsync(string? token, AckResult result, CancellationToken cancellationToken) =>
        ToolAcknowledgements.AnswerAsync(storage, token, result, cancellationToken);

    public DateTimeOffset Now => time.GetUtcNow();

    private async Task<(EscalationRecord Record, ETag ETag)?> ReadRawAsync(string id, CancellationToken cancellationToken)
    {
        var name = RecordName(id);
        try
        {
            var result = (await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value;
            var record = JsonSerializer.Deserialize(secrets.Open(name, result.Content), EscalationJsonContext.Default.EscalationRecord);
            return record is null ? null : (record, result.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private async Task<bool> CreateAsync(string name, EscalationRecord record, CancellationToken cancellationToken)
    {
        for (var round = 0; ; round++)
        {
            try
            {
                await Container.GetBlobClient(name).UploadAsync(Seal(name, record), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound && round == 0)
            {
                await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
            {
                return false;
            }
        }
    }

    private async Task WriteAsync(string name, string text, CancellationToken cancellationToken)
    {
        var content = secrets.Seal(name, BinaryData.FromString(text));
        try
        {
            await Container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            await Container.GetBlobClient(name).UploadAsync(content, overwrite: true, cancellationToken);
        }
    }

    private async Task<string?> ReadTextAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var content = (await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content;
            return secrets.Open(name, content).ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    private BinaryData Seal(string name, EscalationRecord record) =>
        secrets.Seal(name, BinaryData.FromString(JsonSerializer.Serialize(record, EscalationJsonContext.Default.EscalationRecord)));

    /// <summary><c>{id}/{hash}</c>: beside the case's send records, which a purge removes with it.</summary>
    private string RecordName(string id) => $"{id}/{secrets.Hash("escalation\n" + id)[..32]}";

    private string OpenName(string id) => OpenPrefix + secrets.Hash("escalating\n" + id)[..32];

    private string LastName(Responder responder) => LastPrefix + secrets.Hash("last-alert\n" + responder.Key)[..32];
}
