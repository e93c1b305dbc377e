using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Options;

namespace Hotline.Dispatch;

/// <summary>
/// Where a surge is counted and digested alerts wait, in the <c>alert-digest</c> container:
/// <list type="bullet">
/// <item><c>surge/{window start, yyyyMMddHHmm}</c>: an append blob with one one-byte block per alert
/// dispatched in that window. Appending returns the committed block count, so every instance sees the
/// same count with one request and no lock. Windows older than a day are deleted.</item>
/// <item><c>pending/{receipt}/{keyed hash of the alert key}</c>: one per alert gathered for the next
/// digest, holding its triage message sealed under the pepper (<see cref="IntakeSecrets"/>): a reader of
/// the storage account learns that a case waits for a digest, not its urgency or language.</item>
/// </list>
/// A pending alert is removed only after the digest that covers it was delivered, so a digest that
/// fails (Twilio down) is sent again by the next run, with whatever came in since.
/// </summary>
public sealed class AlertDigest(HotlineStorage storage, IntakeSecrets secrets, IOptions<DispatchOptions> options, TimeProvider time)
{
    public const string ContainerName = StorageNames.AlertDigestContainer;
    private const string SurgePrefix = "surge/";
    private const string PendingPrefix = "pending/";
    private const string WindowFormat = "yyyyMMddHHmm";

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(ContainerName);

    /// <summary>Counts one alert in the current window; returns the window's count so far, this one included.</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcTicks;
        var start = new DateTime(now - (now % options.Value.DigestWindow.Ticks), DateTimeKind.Utc);
        var blob = Container.GetAppendBlobClient(SurgePrefix + start.ToString(WindowFormat, CultureInfo.InvariantCulture));
        for (var round = 0; ; round++)
        {
            try
            {
                using var block = new MemoryStream([0], writable: false);
                return (await blob.AppendBlockAsync(block, cancellationToken: cancellationToken)).Value.BlobCommittedBlockCount;
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.BlockCountExceedsLimit)
            {
                return int.MaxValue; // 50,000 alerts in one window: a surge by any measure
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && round < 2)
            {
                // Created on first use: the container, then the window's blob (either may be missing).
                await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            }
        }
    }

    /// <summary>Gathers an alert for the next digest. Idempotent: the same alert twice is one entry.</summary>
    public async Task AddAsync(TriageMessage triage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(triage);
        var name = $"{PendingPrefix}{triage.TipId}/{secrets.Hash(triage.AlertKey)[..32]}";
        var content = secrets.Seal(name, BinaryData.FromString(triage.ToJson()));
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

    /// <summary>Every alert waiting for a digest. One that cannot be read back still counts, by its receipt.</summary>
    public async Task<IReadOnlyList<PendingAlert>> PendingAsync(CancellationToken cancellationToken)
    {
        var pending = new List<PendingAlert>();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = PendingPrefix }, cancellationToken))
            {
                BinaryData stored;
                try
                {
                    stored = (await Container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken)).Value.Content;
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    continue; // removed by a digest run that finished meanwhile
                }

                var receipt = item.Name[PendingPrefix.Length..].Split('/')[0];
                pending.Add(new PendingAlert(item.Name, receipt, Read(item.Name, stored)));
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Nothing was ever digested here.
        }

        return pending;
    }

    /// <summary>Removes alerts a delivered digest covered.</summary>
    public async Task RemoveAsync(IEnumerable<PendingAlert> covered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(covered);
        foreach (var alert in covered)
        {
            await Container.GetBlobClient(alert.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
    }

    /// <summary>Deletes surge counts of windows that ended more than a day ago.</summary>
    public async Task ForgetOldWindowsAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - TimeSpan.FromDays(1) - options.Value.DigestWindow;
        try
        {
            await foreach (var item in Container.GetBlobsAsync(new GetBlobsOptions { Prefix = SurgePrefix }, cancellationToken))
            {
                if (DateTime.TryParseExact(item.Name[SurgePrefix.Length..], WindowFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start)
                    && start < cutoff)
                {
                    await Container.GetBlobClient(item.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Nothing was ever counted here.
        }
    }

    private TriageMessage? Read(string name, BinaryData stored)
    {
        try
        {
            var triage = TriageMessage.Parse(secrets.Open(name, stored).ToString());
            return AlertFacts.IsWellFormed(triage) ? triage : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            return null; // altered, or sealed with another pepper: counted by its receipt
        }
    }
}
