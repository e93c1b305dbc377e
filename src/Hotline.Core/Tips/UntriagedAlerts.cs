using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;
using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>
/// The alerts intake has queued and dispatch has not yet handled: one record per alert,
/// <c>intake/untriaged/{keyed hash of the alert key}</c>, its triage message sealed under the pepper.
/// Intake writes it before it sends the triage message; dispatch deletes it once the alert is handled.
/// So the set holds only outstanding work, and the sweeper lists that, never the history: its cost
/// grows with alerts in flight, not with reports stored. (A time-bucketed index of every report
/// would need the sweeper to look up the ledger for each report of each bucket it scans.)
/// </summary>
public sealed class UntriagedAlerts
{
    private const string Prefix = "untriaged/";
    private readonly BlobContainerClient _container;
    private readonly IntakeSecrets _secrets;

    public UntriagedAlerts(HotlineStorage storage, IntakeSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(secrets);
        _container = storage.Blobs.GetBlobContainerClient(StorageNames.IntakeContainer);
        _secrets = secrets;
    }

    /// <summary>Records (or refreshes) an alert as queued and not yet handled.</summary>
    public async Task AddAsync(TriageMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var name = NameOf(message);
        await _container.GetBlobClient(name).UploadAsync(_secrets.Seal(name, BinaryData.FromString(message.ToJson())), overwrite: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets an alert dispatch has handled (paged, gathered for a digest, or noticed as undelivered).</summary>
    public async Task RemoveAsync(TriageMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _container.GetBlobClient(NameOf(message)).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every outstanding alert.</summary>
    public async IAsyncEnumerable<UntriagedAlert> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = Prefix }, cancellationToken).ConfigureAwait(false))
        {
            BinaryData stored;
            try
            {
                stored = (await _container.GetBlobClient(item.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                continue; // handled meanwhile
            }

            TriageMessage? message;
            try
            {
                message = TriageMessage.Parse(_secrets.Open(item.Name, stored).ToString());
            }
            catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
            {
                message = null;
            }

            yield return new UntriagedAlert(item.Name, item.Properties.LastModified ?? DateTimeOffset.MinValue, message);
        }
    }

    private string NameOf(TriageMessage message) => Prefix + _secrets.Hash(message.AlertKey);
}
