using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Storage;
using Hotline.Tips;

namespace Hotline.FollowUp;

/// <summary>
/// The intake's side of the follow-up: at a web report, a case key and a code (<see cref="IssueAsync"/>); at a
/// look-up, the code to the case key (<see cref="OpenAsync"/>), one read of one blob named by the code's
/// stretched hash. The intake keeps nothing that opens a conversation: the case's private key is stored wrapped to
/// the responders' key and to the code's, and the code is never stored at all.
/// </summary>
public sealed class FollowUpVault(HotlineStorage storage, ReportStore reports, IntakeSecrets secrets, CodeKeys codeKeys)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>A code no tipster holds: what a malformed code is derived from, so it costs what a well-formed one does.</summary>
    private const string Filler = "0000000000000000";

    private BlobContainerClient Lookups => storage.Blobs.GetBlobContainerClient(StorageNames.FollowUpContainer);

    /// <summary>
    /// Makes the report's case key and a new code, stores the key's two wraps and the tipster's copy of the report,
    /// and returns the code (grouped). A retry of one report (its idempotency key) gets a key and code of its own:
    /// the first answer may never have reached the tipster, and nothing could give its code again.
    /// </summary>
    public async Task<string> IssueAsync(TipId id, TipReport report, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(report);
        var key = CaseKey.Create();
        var code = FollowUpCode.New();
        FollowUpCode.TryNormalize(code, out var digits);
        var (lookup, wrapKey) = await codeKeys.DeriveAsync(digits, cancellationToken).ConfigureAwait(false);

        var wrapped = new byte[NonceSize + key.PrivateKey!.Length + TagSize];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using (var aes = new AesGcm(wrapKey, TagSize))
        {
            aes.Encrypt(wrapped.AsSpan(0, NonceSize), key.PrivateKey, wrapped.AsSpan(NonceSize, key.PrivateKey.Length), wrapped.AsSpan(NonceSize + key.PrivateKey.Length), WrapAad(lookup, report.TipId));
        }

        CryptographicOperations.ZeroMemory(wrapKey);
        var record = JsonSerializer.SerializeToUtf8Bytes(new LookupRecord(report.TipId, wrapped), FollowUpJsonContext.Default.LookupRecord);
        var caseKey = JsonSerializer.SerializeToUtf8Bytes(new CaseKeyRecord(report.TipId, key.KeyId, key.PublicKey, key.PrivateKey, lookup), FollowUpJsonContext.Default.CaseKeyRecord);
        var sent = string.IsNullOrWhiteSpace(report.Location) ? report.Message : report.Message + "\n\n" + report.Location;

        await Task.WhenAll(
            Lookups.GetBlobClient(lookup).UploadAsync(secrets.Seal(lookup, BinaryData.FromBytes(record)), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken),
            reports.CreateOnceAsync(Conversations.CaseKeyBlobName(id, key), caseKey, writeMark: null, cancellationToken),
            storage.Tips.GetBlobClient(Conversations.LookupPointerName(id, key)).UploadAsync(BinaryData.FromString(lookup), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken),
            Conversations.WriteAsync(storage, id, key, new ConversationItem(ConversationItem.Tipster, report.ReceivedAt, sent), cancellationToken)).ConfigureAwait(false);
        return code;
    }

    /// <summary>
    /// The case a typed code opens, with its key; null for a wrong, unknown or malformed code alike: each costs one
    /// derivation and one read of a blob that is not there.
    /// </summary>
    public async Task<FollowUpSession?> OpenAsync(string? typed, CancellationToken cancellationToken = default)
    {
        var wellFormed = FollowUpCode.TryNormalize(typed, out var digits);
        var (lookup, wrapKey) = await codeKeys.DeriveAsync(wellFormed ? digits : Filler, cancellationToken).ConfigureAwait(false);
        try
        {
            BinaryData stored;
            try
            {
                stored = (await Lookups.GetBlobClient(lookup).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                return null;
            }

            if (!wellFormed)
            {
                return null;
            }

            var record = JsonSerializer.Deserialize(secrets.Open(lookup, stored).ToMemory().Span, FollowUpJsonContext.Default.LookupRecord);
            if (record is null || !TipId.TryParse(record.TipId, out var id) || record.Wrapped is not { Length: NonceSize + 32 + TagSize } wrapped)
            {
                return null;
            }

            var privateKey = new byte[32];
            using var aes = new AesGcm(wrapKey, TagSize);
            aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize, 32), wrapped.AsSpan(NonceSize + 32), privateKey, WrapAad(lookup, record.TipId));
            var session = new FollowUpSession(id.Value, CaseKey.FromPrivateKey(privateKey));
            CryptographicOperations.ZeroMemory(privateKey);
            return session;
        }
        catch (Exception ex) when (ex is CryptographicException or JsonException or FormatException)
        {
            return null; // altered or planted: it opens nothing
        }
        finally
        {
            CryptographicOperations.ZeroMemory(wrapKey);
        }
    }

    /// <summary>The look-up blobs a case's pointers name (<see cref="Conversations.LookupPointerPrefix"/>): readable without any key.</summary>
    internal static async Task<List<string>> LookupPointersAsync(HotlineStorage storage, TipId id, CancellationToken cancellationToken)
    {
        var lookups = new List<string>();
        await foreach (var blob in storage.Tips.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{id.Compact}/{Conversations.LookupPointerPrefix}" }, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var content = (await storage.Tips.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
                if (content.ToMemory().Length <= 256)
                {
                    lookups.Add(content.ToString());
                }
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
            }
        }

        return lookups;
    }

    /// <summary>Deletes the look-up blobs named in a case's key records: what purging a case does to its codes.</summary>
    internal static async Task<int> DeleteLookupsAsync(HotlineStorage storage, IEnumerable<string> lookups, CancellationToken cancellationToken)
    {
        var deleted = 0;
        // Only names a code makes: a planted pointer cannot aim the purge at anything else.
        foreach (var lookup in lookups.Where(l => l.Length == 64 && l.All(char.IsAsciiHexDigitLower)))
        {
            if ((await storage.Blobs.GetBlobContainerClient(StorageNames.FollowUpContainer).DeleteBlobIfExistsAsync(lookup, cancellationToken: cancellationToken).ConfigureAwait(false)).Value)
            {
                deleted++;
            }
        }

        return deleted;
    }

    private static byte[] WrapAad(string lookup, string tipId) => Encoding.UTF8.GetBytes("hotline/followup-wrap/v1\n" + lookup + "\n" + tipId);
}
