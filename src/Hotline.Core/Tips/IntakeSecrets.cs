using System.Security.Cryptography;
using System.Text;

namespace Hotline.Tips;

/// <summary>
/// Keys the intake's own records with the pseudonym pepper (a secret the app already holds, from Key Vault
/// in Azure): record names are keyed hashes, record contents are sealed with AES-256-GCM, and an idempotency
/// key is bound to a keyed MAC of the report it first carried (<see cref="Fingerprint"/>), and a report's blob
/// is marked with a keyed MAC of who wrote it (<see cref="WriteMark"/>). The intake
/// needs to read them back (retries, conversations), so they cannot go to the responders' public key; sealed
/// under the pepper, a reader of the storage account learns neither which MessageSid or idempotency key a
/// record is for, nor what case, urgency, language or times it holds.
/// </summary>
public sealed class IntakeSecrets
{
    private const string SealedPrefix = "s1.";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _nameKey;
    private readonly byte[] _recordKey;
    private readonly byte[] _contentKey;
    private readonly byte[] _markKey;

    private IntakeSecrets(byte[] nameKey, byte[] recordKey, byte[] contentKey, byte[] markKey)
    {
        _nameKey = nameKey;
        _recordKey = recordKey;
        _contentKey = contentKey;
        _markKey = markKey;
    }

    public static IntakeSecrets FromPepper(string pepper)
    {
        ArgumentException.ThrowIfNullOrEmpty(pepper);
        var secret = Encoding.UTF8.GetBytes(pepper);
        return new IntakeSecrets(
            HMACSHA256.HashData(secret, "hotline/intake-record-names/v1"u8),
            HMACSHA256.HashData(secret, "hotline/intake-record-contents/v1"u8),
            HMACSHA256.HashData(secret, "hotline/idempotency-content/v1"u8),
            HMACSHA256.HashData(secret, "hotline/report-write-marks/v1"u8));
    }

    /// <summary>
    /// A keyed MAC (hex) of what a tipster submitted: channel, text and fields. Keyed, so the idempotency
    /// record holding it cannot be used to confirm a guessed report.
    /// </summary>
    public string Fingerprint(TipSubmission submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        var data = new StringBuilder();
        foreach (var field in new[] { submission.Channel.ToString(), submission.Message, submission.Language, submission.Location, submission.Contact, submission.Category })
        {
            // Length-prefixed, so no two different submissions write the same string.
            data.Append(field?.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-").Append(':').Append(field).Append('\n');
        }

        return Convert.ToHexStringLower(HMACSHA256.HashData(_contentKey, Encoding.UTF8.GetBytes(data.ToString())));
    }

    /// <summary>
    /// The mark (<see cref="ReportStore.WriteMarkMetadata"/>) of a blob whose writer outlives one request: an
    /// idempotency key, a MessageSid. Every request of that writer marks the blob alike, so each tells its own write
    /// (answered late) and the others' from another report's. HMAC-SHA256 under a key of its own, over the blob name
    /// and the writer, hex. It reveals nothing to a reader of the account: without the pepper it cannot be told from
    /// the random marks (<see cref="ReportStore.NewWriteMark"/>, same length and alphabet) nor confirm a guessed key
    /// or MessageSid, and with the blob name in it, it equals nothing else stored (the intake record names hash the
    /// key or MessageSid alone, under another key), so it links the blob to no record.
    /// </summary>
    public string WriteMark(string blobName, string writer)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        ArgumentException.ThrowIfNullOrEmpty(writer);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_markKey, Encoding.UTF8.GetBytes(blobName + "\n" + writer)));
    }

    /// <summary>A keyed hash for a record name (hex): a guessed MessageSid or key cannot be confirmed without the pepper.</summary>
    public string Hash(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_nameKey, Encoding.UTF8.GetBytes(value)));
    }

    /// <summary>Seals a record's contents: <c>s1.</c> + Base64(nonce | ciphertext | tag), bound to the record's name.</summary>
    public BinaryData Seal(string name, BinaryData plain)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(plain);
        var text = plain.ToMemory().Span;
        var sealedBytes = new byte[NonceSize + text.Length + TagSize];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_recordKey, TagSize);
        aes.Encrypt(nonce, text, sealedBytes.AsSpan(NonceSize, text.Length), sealedBytes.AsSpan(NonceSize + text.Length), Encoding.UTF8.GetBytes(name));
        return BinaryData.FromString(SealedPrefix + Convert.ToBase64String(sealedBytes));
    }

    /// <summary>
    /// Opens what <see cref="Seal"/> wrote. A record written before sealing (plain text) is returned as it
    /// is, so records written by an older release are still read; they expire with the container's policy.
    /// </summary>
    /// <exception cref="CryptographicException">A sealed record that was altered, moved, or sealed with another pepper.</exception>
    public BinaryData Open(string name, BinaryData stored)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(stored);
        var text = stored.ToString();
        if (!text.StartsWith(SealedPrefix, StringComparison.Ordinal))
        {
            return stored;
        }

        var sealedBytes = Convert.FromBase64String(text[SealedPrefix.Length..]);
        if (sealedBytes.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("A sealed intake record is too short.");
        }

        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_recordKey, TagSize);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize, plain.Length), sealedBytes.AsSpan(NonceSize + plain.Length), plain, Encoding.UTF8.GetBytes(name));
        return BinaryData.FromBytes(plain);
    }
}
