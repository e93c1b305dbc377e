using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Hotline.Encryption;
using Hotline.FollowUp;
using Hotline.Sms;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Cases;

/// <summary>
/// What responders do with cases, in one place for every front end (the <c>hotline</c> tool today):
/// list (from the case records, nothing decrypted), read (decrypts with the responders' keys), status,
/// note, reply, export and purge. Every state-changing operation writes a line to the <see cref="AuditLog"/>.
/// </summary>
public sealed class CaseFiles
{
    private const string NotePrefix = "note-";
    private const string ReplyPrefix = "reply-";
    private readonly HotlineStorage _storage;
    private readonly CaseStore _cases;
    private readonly AuditLog _audit;
    private readonly IReadOnlyList<RsaKeyEncryptionKey> _keys;
    private readonly TimeProvider _time;

    /// <param name="keys">The responders' private keys (every key of the keyring: old ones read old reports).
    /// The first one's public half encrypts notes and replies. May be empty for listing and status.</param>
    public CaseFiles(HotlineStorage storage, IReadOnlyList<RsaKeyEncryptionKey> keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(time);
        _storage = storage;
        _cases = new CaseStore(storage);
        _audit = new AuditLog(storage, time);
        _keys = keys;
        _time = time;
    }

    /// <summary>Cases newest first, filtered, a page at a time. Reads only the case records.</summary>
    public async Task<CasePage> ListAsync(CaseQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Top);
        var after = query.Continuation is null ? null : Cursor.Parse(query.Continuation);
        var matched = new List<CaseRecord>();
        await foreach (var record in _cases.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if ((query.Status is null || record.Status == query.Status)
                && (query.Urgency is null || record.Urgency == query.Urgency)
                && (query.Channel is null || record.Channel == query.Channel)
                && (query.Since is null || record.ReceivedAt >= query.Since)
                && (query.Until is null || record.ReceivedAt < query.Until))
            {
                matched.Add(record);
            }
        }

        var ordered = matched.OrderByDescending(r => r.ReceivedAt).ThenBy(r => r.Receipt, StringComparer.Ordinal).ToList();
        var start = after is null ? 0 : ordered.FindIndex(r => Cursor.IsAfter(r, after.Value));
        var page = start < 0 ? [] : ordered.Skip(start).Take(query.Top).ToList();
        var more = start >= 0 && start + page.Count < ordered.Count;
        return new CasePage(page, matched.Count, more ? Cursor.Of(page[^1]) : null);
    }

    /// <summary>The case decrypted: every message and entry of <c>tips/{TIPID}/</c>.</summary>
    /// <exception cref="CaseException">No such case, no key for it, or a blob that does not decrypt.</exception>
    public async Task<CaseFile> ReadAsync(TipId id, CancellationToken cancellationToken = default)
    {
        var record = await _cases.GetAsync(id, cancellationToken).ConfigureAwait(false);
        var names = await NamesAsync(id, cancellationToken).ConfigureAwait(false);
        if (names.Count == 0)
        {
            throw new CaseException($"no case {id}.");
        }

        if (_keys.Count == 0)
        {
            throw new CaseException("no private key: give one with --key or Hotline__PrivateKeyPath.");
        }

        var messages = new List<TipReport>();
        var entries = new List<CaseEntry>();
        var media = new List<MediaRecord>();
        foreach (var name in names)
        {
            var leaf = name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..];
            if (MediaName.IsItem(leaf) || Conversations.IsFollowUpLeaf(leaf))
            {
                continue; // the bytes: read only by ReadMediaAsync; the follow-up's keys and the tipster's copies: by the follow-up
            }

            var json = await DecryptAsync(id, name, cancellationToken).ConfigureAwait(false);
            var wellFormed = true;
            try
            {
                if (leaf.StartsWith(NotePrefix, StringComparison.Ordinal) || leaf.StartsWith(ReplyPrefix, StringComparison.Ordinal))
                {
                    var entry = CaseEntry.FromUtf8Json(json.Span);
                    wellFormed = CaseDocuments.IsWellFormed(entry);
                    entries.Add(entry);
                }
                else if (leaf == "report" || leaf.StartsWith("message-", StringComparison.Ordinal))
                {
                    var message = TipReport.FromUtf8Json(json.Span);
                    wellFormed = CaseDocuments.IsWellFormed(message);
                    messages.Add(message);
                }
                else if (MediaName.IsRecord(leaf))
                {
                    var settled = MediaRecord.FromUtf8Json(json.Span);
                    wellFormed = CaseDocuments.IsWellFormed(settled, int.Parse(leaf[6..], NumberStyles.None, CultureInfo.InvariantCulture));
                    media.Add(settled);
                }
            }
            catch (JsonException ex)
            {
                throw new CaseException($"{name} decrypted but is not a Hotline document: it may have been altered.", ex);
            }

            if (!wellFormed)
            {
                throw new CaseException($"{name} decrypted but is not a Hotline document: it may have been altered.");
            }
        }

        return new CaseFile(
            id.ToString(),
            record,
            messages.OrderBy(m => m.Sms?.Sequence ?? 1).ThenBy(m => m.ReceivedAt).ToList(),
            entries.OrderBy(e => e.At).ToList(),
            media.OrderBy(m => m.Sequence).ToList());
    }

    /// <summary>
    /// Every stored media item of the case, decrypted, each checked against the SHA-256 its record holds; audited.
    /// </summary>
    /// <exception cref="CaseException">No such case, no key, a blob that does not decrypt, or bytes that are not what was fetched.</exception>
    public async Task<IReadOnlyList<MediaFile>> ReadMediaAsync(TipId id, string responder, CancellationToken cancellationToken = default)
    {
        var file = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        var media = new List<MediaFile>();
        foreach (var record in file.Media)
        {
            foreach (var item in record.Items.Where(i => i.State == MediaStates.Stored && i.Blob is not null))
            {
                if (!item.Blob!.StartsWith(id.Compact + "/", StringComparison.Ordinal) || !MediaName.IsItem(item.Blob[(id.Compact.Length + 1)..]))
                {
                    throw new CaseException($"the media record of message {record.Sequence} names a blob outside {id}: it may have been altered.");
                }

                var content = await DecryptAsync(id, item.Blob, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(content.Span)), item.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    throw new CaseException($"{item.Blob} is not the file that was fetched (its SHA-256 differs): it may have been altered.");
                }

                media.Add(new MediaFile(record.Sequence, item, content));
            }
        }

        await _audit.AppendAsync(responder, "media", id.ToString(), cancellationToken).ConfigureAwait(false);
        return media;
    }

    /// <exception cref="CaseException">No such case.</exception>
    public async Task SetStatusAsync(TipId id, CaseStatus status, string responder, CancellationToken cancellationToken = default)
    {
        if (!await _cases.SetStatusAsync(id, status, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            throw new CaseException($"no case {id}.");
        }

        await _audit.AppendAsync(responder, "status " + CaseRecord.StatusName(status), id.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds an internal note, encrypted into the case.</summary>
    public async Task AddNoteAsync(TipId id, string text, string responder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        await EnsureExistsAsync(id, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await WriteEntryAsync(id, new CaseEntry(CaseEntry.Note, now, AuditLog.Clean(responder), text), cancellationToken).ConfigureAwait(false);
        await _cases.TouchAsync(id, now, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(responder, "note", id.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Holds a case until <paramref name="until"/> (a legal hold, an investigation): it does not expire before then,
    /// whatever the retention settings say. The reason is stored encrypted in the case, as a note; the audit log says
    /// who held it until when.
    /// </summary>
    /// <exception cref="CaseException">No such case, or a date that has passed.</exception>
    /// <param name="lastDay">The last day the case is kept for sure (UTC): the hold ends as it ends.</param>
    public async Task KeepAsync(TipId id, DateOnly lastDay, string reason, string responder, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var now = _time.GetUtcNow();
        var until = new DateTimeOffset(lastDay.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var day = lastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (until <= now)
        {
            throw new CaseException($"--until {day} has passed: a hold ends in the future.");
        }

        await EnsureExistsAsync(id, cancellationToken).ConfigureAwait(false);
        await WriteEntryAsync(id, new CaseEntry(CaseEntry.Note, now, AuditLog.Clean(responder), $"Kept until {day}: {reason}"), cancellationToken).ConfigureAwait(false);
        if (!await _cases.HoldAsync(id, until, cancellationToken).ConfigureAwait(false))
        {
            throw new CaseException($"no case {id}.");
        }

        await _audit.AppendAsync(responder, "keep until " + day, id.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The case's record (what retention and <c>tips list</c> read).</summary>
    /// <exception cref="CaseException">No such case.</exception>
    public async Task<CaseRecord> RecordAsync(TipId id, CancellationToken cancellationToken = default) =>
        await _cases.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new CaseException($"no case {id}.");

    /// <summary>Releases a case's hold: retention applies to it again (and it may then expire at the next daily run).</summary>
    /// <exception cref="CaseException">No such case, or one that is not held.</exception>
    public async Task ReleaseAsync(TipId id, string responder, CancellationToken cancellationToken = default)
    {
        var record = await _cases.GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new CaseException($"no case {id}.");
        if (record.HeldUntil is null)
        {
            throw new CaseException($"{id} is not held.");
        }

        await _cases.HoldAsync(id, null, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(responder, "keep released", id.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers a case. An SMS case: sends <paramref name="text"/> to the number in its envelope with
    /// <paramref name="send"/> (returns Twilio's message id), then stores the reply encrypted in the case; refused
    /// while the case is contact-paused unless <paramref name="force"/>. A web case: nothing is sent anywhere; the
    /// answer is stored for the tipster (encrypted to each of the case's keys, which their follow-up code opens) and
    /// for the case file; returns null. Refused for a web case from before follow-up codes (no case key).
    /// </summary>
    public async Task<string?> ReplyAsync(TipId id, string text, string responder, bool force, Func<string, string, CancellationToken, Task<string>> send, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        ArgumentNullException.ThrowIfNull(send);
        var file = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        var number = file.Messages.LastOrDefault(m => m.Sender is not null)?.Sender?.Phone;
        if (file.Messages.All(m => m.Channel != Channel.Sms) || number is null)
        {
            var keys = await CaseKeysAsync(id, cancellationToken).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                throw new CaseException($"{id} came in through the web form before follow-up codes: the tipster has no way to read an answer.");
            }

            var at = _time.GetUtcNow();
            foreach (var key in keys)
            {
                await Conversations.WriteAsync(_storage, id, key.Key, new ConversationItem(ConversationItem.Answer, at, text), cancellationToken).ConfigureAwait(false);
            }

            await WriteEntryAsync(id, new CaseEntry(CaseEntry.Reply, at, AuditLog.Clean(responder), text), cancellationToken).ConfigureAwait(false);
            await _audit.AppendAsync(responder, "reply (web follow-up)", id.ToString(), cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (IsContactPaused(file) && !force)
        {
            throw new CaseException($"{id}: the tipster texted STOP; the phone may be in someone else's hands. Not sent (--force overrides, after a typed confirmation).");
        }

        var sid = await send(number, text, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        await WriteEntryAsync(id, new CaseEntry(CaseEntry.Reply, now, AuditLog.Clean(responder), text, sid), cancellationToken).ConfigureAwait(false);
        await _cases.TouchAsync(id, now, cancellationToken).ConfigureAwait(false);
        await _audit.AppendAsync(responder, force && IsContactPaused(file) ? "reply (forced past STOP)" : "reply", id.ToString(), cancellationToken).ConfigureAwait(false);
        return sid;
    }

    /// <summary>Notes that a responder has seen every message the case holds now (<c>tips list</c> counts unread from it).</summary>
    public async Task MarkSeenAsync(TipId id, int messages, CancellationToken cancellationToken = default) =>
        await _cases.MarkSeenAsync(id, messages, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The case's follow-up keys, unwrapped with the responders' keys (a web case has one per code issued: a retried
    /// report gets a code of its own), each with its look-up blob's name.
    /// </summary>
    private async Task<List<(CaseKey Key, string Lookup)>> CaseKeysAsync(TipId id, CancellationToken cancellationToken)
    {
        var keys = new List<(CaseKey, string)>();
        foreach (var name in await NamesAsync(id, cancellationToken).ConfigureAwait(false))
        {
            if (!name[(name.IndexOf('/', StringComparison.Ordinal) + 1)..].StartsWith(Conversations.CaseKeyPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var json = await DecryptAsync(id, name, cancellationToken).ConfigureAwait(false);
            try
            {
                var record = JsonSerializer.Deserialize(json.Span, FollowUpJsonContext.Default.CaseKeyRecord);
                if (record is null || record.TipId != id.ToString() || record.PrivateKey is not { Length: 32 } || record.Lookup is null)
                {
                    throw new CaseException($"{name} decrypted but is not a Hotline document: it may have been altered.");
                }

                var key = CaseKey.FromPrivateKey(record.PrivateKey);
                if (!name.EndsWith(key.ShortId, StringComparison.Ordinal))
                {
                    throw new CaseException($"{name} holds another key than its name says: it may have been altered.");
                }

                keys.Add((key, record.Lookup));
            }
            catch (Exception ex) when (ex is JsonException or CryptographicException)
            {
                throw new CaseException($"{name} decrypted but is not a Hotline document: it may have been altered.", ex);
            }
        }

        return keys;
    }

    /// <summary>The decrypted case as indented JSON, for a referral; audited.</summary>
    public async Task<byte[]> ExportAsync(TipId id, string responder, CancellationToken cancellationToken = default)
    {
        var file = await ReadAsync(id, cancellationToken).ConfigureAwait(false);
        var json = JsonSerializer.SerializeToUtf8Bytes(file, CaseExportJsonContext.Default.CaseFile);
        await _audit.AppendAsync(responder, "export", id.ToString(), cancellationToken).ConfigureAwait(false);
        return json;
    }

    /// <summary>
    /// Deletes every blob of the case: its report, messages, media, notes and replies, its case record, its alert
    /// records and any alert waiting for a digest. Returns how many blobs were deleted.
    /// </summary>
    public async Task<int> PurgeAsync(TipId id, string responder, CancellationToken cancellationToken = default)
    {
        var deleted = await DeleteBlobsAsync(id, withRecord: true, cancellationToken).ConfigureAwait(false);
        if (deleted == 0)
        {
            throw new CaseException($"no case {id}.");
        }

        await _audit.AppendAsync(responder, "purge", id.ToString(), cancellationToken).ConfigureAwait(false);
        return deleted;
    }

    /// <summary>
    /// Retention's purge of a case that expired (<see cref="Retention.CaseExpiry"/>): every blob as <see cref="PurgeAsync"/>
    /// deletes, the case record last and only if it is still as read under <paramref name="recordETag"/>, so of two runs
    /// at once exactly one audits it, and a run cut short leaves the record for the next. False when another run took
    /// it or the case changed since it was read (a new message: it is kept, and expires by its new activity).
    /// </summary>
    public async Task<bool> ExpireAsync(TipId id, ETag recordETag, CancellationToken cancellationToken = default)
    {
        await DeleteBlobsAsync(id, withRecord: false, cancellationToken).ConfigureAwait(false);
        if (!await _cases.DeleteRecordAsync(id, recordETag, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await _audit.AppendAsync(Retention.CaseExpiry.AuditName, "expired", id.ToString(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<int> DeleteBlobsAsync(TipId id, bool withRecord, CancellationToken cancellationToken)
    {
        // The codes first: their look-up blobs are named only inside the case (its pointers, and with the key its key
        // records), which goes next. Without the key (retention's run) the pointers are enough: nothing is left that
        // names the case.
        var lookups = await FollowUpVault.LookupPointersAsync(_storage, id, cancellationToken).ConfigureAwait(false);
        if (_keys.Count > 0)
        {
            lookups.AddRange((await CaseKeysAsync(id, cancellationToken).ConfigureAwait(false)).Select(k => k.Lookup));
        }

        var deleted = await FollowUpVault.DeleteLookupsAsync(_storage, lookups.Distinct(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
        var places = new List<(string Container, string Prefix)>
        {
            (StorageNames.TipsContainer, id.Compact + "/"),
            (StorageNames.AlertsContainer, id + "/"),
            (StorageNames.AlertDigestContainer, $"pending/{id}/"),
        };
        if (withRecord)
        {
            places.Add((StorageNames.CasesContainer, id.Compact));
        }

        foreach (var (container, prefix) in places)
        {
            var client = _storage.Blobs.GetBlobContainerClient(container);
            try
            {
                await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
                {
                    if (container == StorageNames.CasesContainer && item.Name != id.Compact)
                    {
                        continue;
                    }

                    // Soft-deleted copies stay for the account's retention (7 days): see docs/intake.md, "What remains where".
                    if ((await client.DeleteBlobIfExistsAsync(item.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false)).Value)
                    {
                        deleted++;
                    }
                }
            }
            catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
            }
        }

        return deleted;
    }

    /// <summary>Closed cases received before <paramref name="before"/>: what <c>purge --closed-before</c> deletes.</summary>
    public async Task<IReadOnlyList<CaseRecord>> ClosedBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var closed = new List<CaseRecord>();
        await foreach (var record in _cases.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Status == CaseStatus.Closed && record.LastMessageAt < before)
            {
                closed.Add(record);
            }
        }

        return closed;
    }

    /// <summary>Paused when the latest message that says so is a STOP (the case record says the same).</summary>
    public static bool IsContactPaused(CaseFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var said = file.Messages.LastOrDefault(m => m.Sms?.ContactPaused is not null)?.Sms?.ContactPaused;
        return said ?? file.Record?.ContactPaused ?? false;
    }

    private async Task EnsureExistsAsync(TipId id, CancellationToken cancellationToken)
    {
        if ((await NamesAsync(id, cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw new CaseException($"no case {id}.");
        }
    }

    private async Task<List<string>> NamesAsync(TipId id, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        try
        {
            await foreach (var item in _storage.Tips.GetBlobsAsync(new GetBlobsOptions { Prefix = id.Compact + "/" }, cancellationToken).ConfigureAwait(false))
            {
                names.Add(item.Name);
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
        }

        return names;
    }

    private async Task<ReadOnlyMemory<byte>> DecryptAsync(TipId id, string name, CancellationToken cancellationToken)
    {
        var options = new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0)
        {
            KeyResolver = new RsaKeyResolver(_keys),
            KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm,
        };
        var blob = _storage.Tips.GetBlobClient(name).WithClientSideEncryptionOptions(options);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (!properties.Metadata.TryGetValue("encryptiondata", out var encryption))
            {
                throw new CaseException($"{name} is not encrypted: it was not written by Hotline, or was altered.");
            }

            if (!CaseDocuments.IsHotlineEncryption(encryption))
            {
                throw new CaseException($"{name} is not encrypted the way Hotline encrypts (client-side encryption v2, RSA-OAEP-256): it was altered.");
            }

            // The metadata checked is the metadata the download decrypts with: a blob changed in between is a 412.
            var download = new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } };
            return (await blob.DownloadContentAsync(download, cancellationToken).ConfigureAwait(false)).Value.Content.ToMemory();
        }
        catch (KeyNotFoundException ex)
        {
            var yours = string.Join(", ", _keys.Select(k => k.KeyId));
            throw new CaseException($"{id} was encrypted to a key that is not among yours ({yours}): {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is CryptographicException or InvalidOperationException or FormatException or JsonException || (ex is RequestFailedException r && r.Status != 404))
        {
            throw new CaseException($"{name} does not decrypt with your key: it was altered, or encrypted to another key ({ex.GetType().Name}).", ex);
        }
    }

    private async Task WriteEntryAsync(TipId id, CaseEntry entry, CancellationToken cancellationToken)
    {
        if (_keys.Count == 0)
        {
            throw new CaseException("no private key: give one with --key or Hotline__PrivateKeyPath.");
        }

        using var publicKey = RsaKeyEncryptionKey.FromPublicKeyPem(_keys[0].PublicKeyPem);
        var store = new ReportStore(_storage, publicKey);
        var prefix = entry.Kind == CaseEntry.Reply ? ReplyPrefix : NotePrefix;
        var name = $"{id.Compact}/{prefix}{entry.At.UtcDateTime.ToString("yyyyMMddTHHmmssfff", CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        if (!await store.TryCreateAsync(name, entry.ToUtf8Json(), cancellationToken).ConfigureAwait(false))
        {
            throw new CaseException($"{name} exists already; nothing was overwritten. Try again.");
        }
    }

    /// <summary>The leaves of a case's media: <c>media-0002</c> (a message's media record) and <c>media-0002-1</c> (an item's bytes).</summary>
    private static class MediaName
    {
        public static bool IsRecord(string leaf) => leaf.Length == 10 && leaf.StartsWith("media-", StringComparison.Ordinal) && leaf[6..].All(char.IsAsciiDigit);

        public static bool IsItem(string leaf) =>
            leaf.Length > 11 && IsRecord(leaf[..10]) && leaf[10] == '-' && leaf[11..].All(char.IsAsciiDigit);
    }

    /// <summary>A page boundary: the last case shown, by (received, receipt), as an opaque token.</summary>
    private static class Cursor
    {
        public static string Of(CaseRecord last) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{last.ReceivedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}|{last.Receipt}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (long Ticks, string Receipt)? Parse(string token)
        {
            try
            {
                var padded = token.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - (padded.Length % 4)) % 4);
                var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
                if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
                {
                    return (ticks, parts[1]);
                }
            }
            catch (FormatException)
            {
            }

            throw new CaseException("that continuation token is not one this tool printed.");
        }

        public static bool IsAfter(CaseRecord record, (long Ticks, string Receipt) cursor) =>
            record.ReceivedAt.UtcTicks < cursor.Ticks
            || (record.ReceivedAt.UtcTicks == cursor.Ticks && string.CompareOrdinal(record.Receipt, cursor.Receipt) > 0);
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CaseFile))]
[System.Text.Json.Serialization.JsonSerializable(typeof(MediaRecord))]
internal sealed partial class CaseExportJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
