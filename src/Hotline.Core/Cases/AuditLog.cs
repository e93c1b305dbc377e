using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hotline.Storage;

namespace Hotline.Cases;

/// <summary>
/// Who did what to which case: one line per state-changing action (reply, note, status, export, purge, ack)
/// in an append blob per month, <c>audit/yyyy-MM.log</c>: time, responder, action, receipt. Never
/// content or numbers. Append-only, so a line once written cannot be edited through the log's API.
/// </summary>
public sealed class AuditLog(HotlineStorage storage, TimeProvider time)
{
    public const string ContainerName = "audit";

    public async Task AppendAsync(string responder, string action, string receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responder);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(receipt);
        var now = time.GetUtcNow().UtcDateTime;
        var line = string.Join('\t', now.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture), Clean(responder), action, receipt) + "\n";
        var container = storage.Blobs.GetBlobContainerClient(ContainerName);
        var blob = container.GetAppendBlobClient(now.ToString("yyyy-MM", CultureInfo.InvariantCulture) + ".log");
        for (var round = 0; ; round++)
        {
            try
            {
                using var content = new MemoryStream(Encoding.UTF8.GetBytes(line), writable: false);
                await blob.AppendBlockAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 404 && round < 2)
            {
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A responder's name as the log holds it: letters, digits and a few marks, at most 64; no tabs or line breaks.</summary>
    public static string Clean(string responder)
    {
        ArgumentNullException.ThrowIfNull(responder);
        var kept = new StringBuilder();
        foreach (var c in responder.Trim())
        {
            if (char.IsLetterOrDigit(c) || c is ' ' or '.' or '-' or '_' or '@')
            {
                kept.Append(c);
            }
        }

        var name = kept.ToString().Trim();
        return name.Length == 0 ? "unknown" : name[..Math.Min(name.Length, 64)];
    }
}
