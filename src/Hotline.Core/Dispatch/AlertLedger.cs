using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;
using Hotline.Twilio;
using Microsoft.Extensions.Options;

namespace Hotline.Dispatch;

/// <summary>A send record's content: a state, a time, and for a refusal the HTTP status and Twilio code (for an undelivered SMS the code). Nothing else.</summary>
internal sealed record AlertRecord(
    string? State,
    DateTimeOffset? At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Status = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Code = null);

/// <summary>
/// Which alert sends are done: one small blob per (alert key, responder, channel) in the
/// <c>alerts</c> container. The queue delivers at least once, the host retries, and a retried tip
/// queues its triage message again, so two deliveries of one alert can run at once. A send is
/// claimed before it goes out: the blob is created as <c>sending</c> with <c>If-None-Match: *</c>
/// (only one delivery wins), then replaced with <c>sent</c> or <c>refused</c> under <c>If-Match</c>
/// of the claim's ETag, or deleted (again <c>If-Match</c>) when the send failed for now, so a retry
/// can claim it. A <c>sent</c> SMS that Twilio's status callback reports undelivered or failed becomes
/// <c>undelivered</c> (with Twilio's code): never sent again, and not counted as reaching anyone. A claim older than <see cref="StaleAfter"/> belongs to a delivery that died
/// mid-send and may be taken over. A blob's name is the receipt and a keyed hash of (alert key,
/// responder, channel): a reader of the storage account learns how many sends a case had, not its
/// urgency, who was paged, or how.
/// </summary>
public sealed class AlertLedger(HotlineStorage storage, IOptions<HttpDeliveryOptions> http, IOptions<HotlineOptions> hotline, TimeProvider time)
{
    private readonly Lazy<byte[]> _nameKey = new(() => NameKey(hotline.Value.PhonePepper!));

    public const string ContainerName = StorageNames.AlertsContainer;

    /// <summary>
    /// Room for the wait for a pacer slot, which no HTTP timeout counts: 60 SMS queued ahead at the
    /// default 1 per second.
    /// </summary>
    public static readonly TimeSpan PacingHeadroom = TimeSpan.FromMinutes(1);

    private const string Sending = "sending";
    private const string SentState = "sent";
    private const string RefusedState = "refused";
    private const string UndeliveredState = "undelivered";

    /// <summary>
    /// The longest one send can take: retries stop after TotalTimeout, the attempt under way then has
    /// up to AttemptTimeout, plus <see cref="PacingHeadroom"/>. A claim older than this is stale.
    /// </summary>
    public TimeSpan StaleAfter => http.Value.TotalTimeout + http.Value.AttemptTimeout + PacingHeadroom;

    /// <summary>Claims the send for this delivery, unless it is done or another delivery holds a fresh claim.</summary>
    public async Task<AlertClaim> ClaimAsync(string ledgerKey, Responder responder, string channel, CancellationToken cancellationToken)
    {
        var blob = Blob(ledgerKey, responder, channel);

        // Each round ends in a verdict unless the record changed under us (released, settled, taken over).
        for (var round = 0; round < 4; round++)
        {
            try
            {
                var created = await blob.UploadAsync(Content(Sending), If(new() { IfNoneMatch = ETag.All }), cancellationToken);
                return new AlertClaim(ClaimState.Ours, created.Value.ETag);
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                // Created on first use rather than at start-up: the feature owns its container.
                await storage.Blobs.GetBlobContainerClient(ContainerName).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                continue;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists)
            {
                // Someone was here first: read what they left.
            }

            BlobDownloadResult existing;
            try
            {
                existing = (await blob.DownloadContentAsync(cancellationToken)).Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                continue; // released in between: claim it again
            }

            var record = Read(existing.Content);
            switch (record?.State)
            {
                case RefusedState:
                    return new AlertClaim(ClaimState.Refused, Status: record.Status ?? 0, TwilioErrorCode: record.Code ?? 0);
                case UndeliveredState:
                    return new AlertClaim(ClaimState.Undelivered, TwilioErrorCode: record.Code ?? 0);
                case Sending when record.At is { } at && time.GetUtcNow() - at < StaleAfter:
                    return new AlertClaim(ClaimState.InProgressElsewhere);
                case Sending:
                    try
                    {
                        var taken = await blob.UploadAsync(Content(Sending), If(new() { IfMatch = existing.Details.ETag }), cancellationToken);
                        return new AlertClaim(ClaimState.Ours, taken.Value.ETag, TookOver: true);
                    }
                    catch (RequestFailedException ex) when (ex.Status == 412)
                    {
                        continue; // another delivery took it over or settled it first
                    }

                default:
                    // "sent", or a record from before claims existed ({"sentAt": ...}): never page twice.
                    return new AlertClaim(ClaimState.Sent);
            }
        }

        // The record kept changing under us: another delivery is busy with it.
        return new AlertClaim(ClaimState.InProgressElsewhere);
    }

    /// <summary>Whether a send is recorded as sent, without claiming anything (false when unknown).</summary>
    public async Task<bool> IsSentAsync(string ledgerKey, Responder responder, string channel, CancellationToken cancellationToken)
    {
        try
        {
            var content = (await Blob(ledgerKey, responder, channel).DownloadContentAsync(cancellationToken)).Value.Content;
            return Read(content)?.State == SentState;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
    }

    /// <summary>Settles this delivery's claim as sent; a redelivery then skips the send.</summary>
    public Task MarkSentAsync(string ledgerKey, Responder responder, string channel, AlertClaim claim, CancellationToken cancellationToken) =>
        SettleAsync(ledgerKey, responder, channel, claim, Content(SentState), cancellationToken);

    /// <summary>Settles this delivery's claim as refused for good (no phone number: the status and Twilio's code).</summary>
    public Task MarkRefusedAsync(string ledgerKey, Responder responder, string channel, AlertClaim claim, int status, int twilioErrorCode, CancellationToken cancellationToken) =>
        SettleAsync(ledgerKey, responder, channel, claim, Content(RefusedState, status, twilioErrorCode), cancellationToken);

    /// <summary>The name of one send's record, for <see cref="MarkUndeliveredAsync"/> to find it again from Twilio's status callback.</summary>
    public string RecordNameOf(string ledgerKey, Responder responder, string channel) => RecordName(_nameKey.Value, ledgerKey, responder, channel);

    /// <summary>
    /// Twilio reported the send in record <paramref name="recordName"/> undelivered or failed. Unconditional: only
    /// a send that went out has a MessageSid to report on, and if its delivery has not recorded <c>sent</c> yet, its
    /// <c>If-Match</c> then fails and the record stays <c>undelivered</c>. Repeating it (a retried callback) changes nothing.
    /// </summary>
    public async Task MarkUndeliveredAsync(string recordName, int? twilioErrorCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(recordName);
        var container = storage.Blobs.GetBlobContainerClient(ContainerName);
        await container.GetBlobClient(recordName).UploadAsync(Content(UndeliveredState, code: twilioErrorCode), overwrite: true, cancellationToken);
    }

    /// <summary>Gives a claim back after a failed send, so the retry can claim it again.</summary>
    public async Task ReleaseAsync(string ledgerKey, Responder responder, string channel, AlertClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await Blob(ledgerKey, responder, channel).DeleteAsync(conditions: new BlobRequestConditions { IfMatch = claim.ETag }, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            // Taken over meanwhile (this delivery outlived StaleAfter): the record is no longer ours.
        }
    }

    private async Task SettleAsync(string ledgerKey, Responder responder, string channel, AlertClaim claim, BinaryData content, CancellationToken cancellationToken) =>
        await Blob(ledgerKey, responder, channel).UploadAsync(content, If(new() { IfMatch = claim.ETag }), cancellationToken);

    private BinaryData Content(string state, int? status = null, int? code = null) =>
        BinaryData.FromString(JsonSerializer.Serialize(new AlertRecord(state, time.GetUtcNow(), status, code), DispatchJsonContext.Default.AlertRecord));

    private static AlertRecord? Read(BinaryData content)
    {
        try
        {
            return JsonSerializer.Deserialize(content, DispatchJsonContext.Default.AlertRecord);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static BlobUploadOptions If(BlobRequestConditions conditions) => new() { Conditions = conditions };

    private BlobClient Blob(string ledgerKey, Responder responder, string channel) =>
        storage.Blobs.GetBlobContainerClient(ContainerName).GetBlobClient(RecordName(_nameKey.Value, ledgerKey, responder, channel));

    /// <summary>The key of record names, derived from the pseudonym pepper (a secret the app already holds).</summary>
    internal static byte[] NameKey(string pepper) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(pepper), "hotline/alert-ledger-names/v1"u8);

    /// <summary>
    /// <c>{receipt}/{keyed hash}</c>: the receipt keeps a case's records together (a purge finds them), the
    /// hash of alert key (urgency, contact pause), responder and channel says nothing without the key.
    /// </summary>
    internal static string RecordName(byte[] key, string ledgerKey, Responder responder, string channel)
    {
        var slash = ledgerKey.IndexOf('/', StringComparison.Ordinal);
        var receipt = slash < 0 ? ledgerKey : ledgerKey[..slash];
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{ledgerKey}\n{responder.Key}\n{channel}"));
        return $"{receipt}/{Convert.ToHexStringLower(mac)[..32]}";
    }
}
