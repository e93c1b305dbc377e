using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hotline.Storage;

namespace Hotline.Cases;

/// <summary>
/// Who did what to which case: one line per state-changing action (reply, note, status, export, purge, ack)
/// in an append blob per month, <c>audit/yyyy-MM.log</c>: time, chain value, responder, action, receipt. Never
/// content or numbers. Append-only, and chained (<see cref="AuditChain"/>): a line edited, removed or moved
/// through any other API shows in <see cref="VerifyAsync"/>; each month's first line chains to the last line
/// of the month before.
/// </summary>
public sealed partial class AuditLog(HotlineStorage storage, TimeProvider time)
{
    public const string ContainerName = "audit";

    // A line is well under 300 bytes; the tail read only has to hold the last one.
    private const int TailBytes = 4096;

    // Writers race for the next position; each loss costs one round, and there are a handful of writers at most.
    private const int AppendRounds = 20;

    private BlobContainerClient Container => storage.Blobs.GetBlobContainerClient(ContainerName);

    public async Task AppendAsync(string responder, string action, string receipt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(responder);
        ArgumentException.ThrowIfNullOrEmpty(action);
        ArgumentException.ThrowIfNullOrEmpty(receipt);
        var now = time.GetUtcNow().UtcDateTime;
        var at = now.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var fields = Fields(at, Clean(responder), action, receipt);

        // A writer whose clock is behind (a responder's laptop at a month's end) appends to the latest log, not to an
        // earlier month's: a line added to a month after the next one began would break the chain there.
        var own = LogName(now);
        var names = await LogNamesAsync(cancellationToken).ConfigureAwait(false);
        var latest = names.LastOrDefault();
        var blob = Container.GetAppendBlobClient(latest is not null && string.CompareOrdinal(latest, own) > 0 ? latest : own);
        for (var round = 0; round < AppendRounds; round++)
        {
            var (position, previous) = await TailAsync(blob, cancellationToken).ConfigureAwait(false);
            if (position is null)
            {
                await Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await blob.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                continue;
            }

            previous ??= await HeadBeforeAsync(names, blob.Name, cancellationToken).ConfigureAwait(false);
            var parts = fields.Split('\t');
            var line = string.Join('\t', parts[0], AuditChain.Next(previous, fields), parts[1], parts[2], parts[3]) + "\n";
            try
            {
                // Appended only where the tail was read: two writers can never both chain to the same line.
                using var content = new MemoryStream(Encoding.UTF8.GetBytes(line), writable: false);
                await blob.AppendBlockAsync(content, new AppendBlobAppendBlockOptions { Conditions = new AppendBlobRequestConditions { IfAppendPositionEqual = position } }, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Another writer appended first: chain to its line.
            }
        }

        throw new RequestFailedException(412, "the audit log kept moving while a line was appended", "AuditLogBusy", null);
    }

    /// <summary>The log's lines in order, from the month of <paramref name="since"/> on (every month when null).</summary>
    public async IAsyncEnumerable<AuditEntry> ReadAsync(DateTimeOffset? since = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var first = since is { } s ? LogName(s.UtcDateTime) : null;
        foreach (var name in await LogNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (first is not null && string.CompareOrdinal(name, first) < 0)
            {
                continue;
            }

            var number = 0;
            foreach (var text in await LinesAsync(name, cancellationToken).ConfigureAwait(false))
            {
                number++;
                yield return AuditEntry.Parse(name, number, text);
            }
        }
    }

    /// <summary>
    /// Walks every month's log from the first and checks each line's chain value. Lines written before the log was
    /// chained (four fields) are counted, not checked, and only before the first chained line. With
    /// <paramref name="keptHead"/>, a chain value kept from an earlier day, says whether a line still carries it: a log
    /// cut or rewritten after it does not.
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(string? keptHead = null, CancellationToken cancellationToken = default)
    {
        var found = false;
        var previous = AuditChain.Start;
        var lines = 0;
        var unchained = 0;
        var chained = false;
        await foreach (var entry in ReadAsync(null, cancellationToken).ConfigureAwait(false))
        {
            lines++;
            if (!entry.Readable)
            {
                return new AuditVerification(lines, unchained, previous, entry, "it is not a line of the audit log");
            }

            if (entry.Chain is null)
            {
                if (chained)
                {
                    return new AuditVerification(lines, unchained, previous, entry, "it has no chain value, after lines that have one");
                }

                unchained++;
                continue;
            }

            chained = true;
            var expected = AuditChain.Next(previous, entry.Fields);
            if (!string.Equals(expected, entry.Chain, StringComparison.Ordinal))
            {
                return new AuditVerification(lines, unchained, previous, entry, "its chain value does not follow from the line before it: this line or one before it was changed, removed or moved");
            }

            previous = entry.Chain;
            found |= string.Equals(entry.Chain, keptHead, StringComparison.Ordinal);
        }

        return new AuditVerification(lines, unchained, previous, null, null) { KeptHeadFound = keptHead is null ? null : found };
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

    /// <summary>What the chain value covers: every field but itself, in the order a line holds them.</summary>
    internal static string Fields(string at, string responder, string action, string receipt) => string.Join('\t', at, responder, action, receipt);

    private static string LogName(DateTime utc) => utc.ToString("yyyy-MM", CultureInfo.InvariantCulture) + ".log";

    [GeneratedRegex(@"^\d{4}-\d{2}\.log$", RegexOptions.CultureInvariant)]
    private static partial Regex LogNamePattern();

    private async Task<List<string>> LogNamesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            await foreach (var item in Container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (LogNamePattern().IsMatch(item.Name))
                {
                    names.Add(item.Name);
                }
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No container yet: nothing was ever audited.
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private async Task<string[]> LinesAsync(string name, CancellationToken cancellationToken)
    {
        var content = await Container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return content.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Where the next line goes and the chain value of the last line (null: no line yet); no position: no blob.</summary>
    private static async Task<(long? Position, string? Last)> TailAsync(AppendBlobClient blob, CancellationToken cancellationToken)
    {
        long length;
        try
        {
            length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ContentLength;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return (null, null);
        }

        if (length == 0)
        {
            return (0, null);
        }

        var start = Math.Max(0, length - TailBytes);
        var tail = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(start, length - start) }, cancellationToken).ConfigureAwait(false);
        var lines = tail.Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (length, lines.Length == 0 ? AuditChain.Start : AuditEntry.Parse(blob.Name, 0, lines[^1]).Chain ?? AuditChain.Start);
    }

    /// <summary>The chain value a new month's log starts from: the last line of the latest log before it.</summary>
    private async Task<string> HeadBeforeAsync(List<string> names, string name, CancellationToken cancellationToken)
    {
        foreach (var before in names.Where(n => string.CompareOrdinal(n, name) < 0).Reverse())
        {
            if ((await TailAsync(Container.GetAppendBlobClient(before), cancellationToken).ConfigureAwait(false)).Last is { } last)
            {
                return last;
            }
        }

        return AuditChain.Start;
    }
}
