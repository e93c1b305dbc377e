using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;
using Hotline.Tips;

namespace Hotline.FollowUp;

/// <summary>
/// A web case's conversation as its tipster reads it: <c>tips/{TIPID}/conv-{key}-{time}-{random}</c>, each blob a
/// <see cref="CaseKey"/> envelope (no SDK encryption: its key id is the case key's, and the responders' tool skips
/// them; their own copies are the case's messages and replies). Padded like reports, so sizes say nothing. Needs
/// only storage: the intake writes with the key it just made or a tipster opened, the responders' tool with the
/// public key it unwrapped.
/// </summary>
public static class Conversations
{
    public const string Prefix = "conv-";
    public const string CaseKeyPrefix = "casekey-";

    /// <summary>
    /// <c>tips/{TIPID}/lookup-{key}</c>: the name of the case's look-up blob, so that purging the case deletes it even
    /// without the responders' key. It links a look-up blob to its case, which the blob's sealed content does anyway;
    /// neither opens anything without the code.
    /// </summary>
    public const string LookupPointerPrefix = "lookup-";

    /// <summary>True for a blob of a case's follow-up (its key, a code's pointer, a conversation entry) rather than a message of the case.</summary>
    public static bool IsFollowUpBlob(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var file = name[(name.LastIndexOf('/') + 1)..];
        return file.StartsWith(Prefix, StringComparison.Ordinal) || file.StartsWith(CaseKeyPrefix, StringComparison.Ordinal) || file.StartsWith(LookupPointerPrefix, StringComparison.Ordinal);
    }

    public static string LookupPointerName(TipId id, CaseKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"{id.Compact}/{LookupPointerPrefix}{key.ShortId}";
    }

    public static string CaseKeyBlobName(TipId id, CaseKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return $"{id.Compact}/{CaseKeyPrefix}{key.ShortId}";
    }

    /// <summary>Stores one item, encrypted to <paramref name="key"/> (its public half is enough).</summary>
    public static Task WriteAsync(HotlineStorage storage, TipId id, CaseKey key, ConversationItem item, CancellationToken cancellationToken = default) =>
        WriteAsync(storage, id, key, item, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), cancellationToken);

    /// <summary>
    /// Stores one item under a name ending in <paramref name="unique"/> (hex): the same item written again (a retried
    /// add) finds its blob there and is done, so the tipster's copy is never doubled.
    /// </summary>
    public static async Task WriteAsync(HotlineStorage storage, TipId id, CaseKey key, ConversationItem item, string unique, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(unique);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(item);
        var name = $"{id.Compact}/{Prefix}{key.ShortId}-{item.At.UtcDateTime.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture)}-{unique}";
        var sealedBytes = key.Seal(ReportStore.Padded(item.ToUtf8Json()), name);
        try
        {
            await storage.Tips.GetBlobClient(name).UploadAsync(
            BinaryData.FromBytes(sealedBytes),
            new BlobUploadOptions
            {
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ReportStore.WriteMarkMetadata] = ReportStore.NewWriteMark() },
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            },
            cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Written before under this name: a retry of the same item.
        }
    }

    /// <summary>Every item of the case written to <paramref name="key"/>, in time order; one that does not open is skipped.</summary>
    public static async Task<IReadOnlyList<ConversationItem>> ReadAsync(HotlineStorage storage, TipId id, CaseKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(key);
        var items = new List<ConversationItem>();
        var prefix = $"{id.Compact}/{Prefix}{key.ShortId}-";
        await foreach (var blob in storage.Tips.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var content = (await storage.Tips.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
                items.Add(ConversationItem.FromUtf8Json(key.Open(content.ToMemory().Span, blob.Name)));
            }
            catch (Exception ex) when (ex is CryptographicException or System.Text.Json.JsonException || (ex is RequestFailedException r && r.Status == (int)HttpStatusCode.NotFound))
            {
                // Planted or deleted meanwhile: what does not open is not the conversation.
            }
        }

        return items.OrderBy(i => i.At).ToList();
    }

    /// <summary>Whether a leaf of a case's blobs belongs to the follow-up (the responders' reader skips or reads them apart).</summary>
    public static bool IsFollowUpLeaf(string leaf)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        return leaf.StartsWith(Prefix, StringComparison.Ordinal) || leaf.StartsWith(CaseKeyPrefix, StringComparison.Ordinal) || leaf.StartsWith(LookupPointerPrefix, StringComparison.Ordinal);
    }
}
