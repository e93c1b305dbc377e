using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace Hotline.FollowUp;

/// <summary>
/// A web case's own X25519 key pair (the GlobaLeaks shape). What the tipster may read (their messages, the answers)
/// is encrypted to its public key; its private key is stored only wrapped: once to the responders' RSA key (the
/// case's <c>casekey-</c> blob) and once to a key stretched from the follow-up code (the look-up blob). Either can
/// read the conversation; the intake app at rest, holding neither, cannot. A key per case also lets a case be
/// shared with a partner (wrap it to their key) or shredded (delete its wraps) without touching any other case.
/// </summary>
public sealed class CaseKey
{
    /// <summary>The key id of a case-key envelope: <c>case-x25519/</c> + the start of SHA-256 of the public key.</summary>
    public const string KeyIdPrefix = "case-x25519/";

    /// <summary>The envelope's algorithm: an ephemeral X25519 agreement, HKDF-SHA256, AES-256-GCM.</summary>
    public const string Algorithm = "X25519-HKDF-SHA256-A256GCM";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly KeyAgreementAlgorithm X25519 = KeyAgreementAlgorithm.X25519;

    private CaseKey(byte[] publicKey, byte[]? privateKey)
    {
        PublicKey = publicKey;
        PrivateKey = privateKey;
        KeyId = KeyIdPrefix + Convert.ToHexStringLower(SHA256.HashData(publicKey).AsSpan(0, 16));
    }

    public byte[] PublicKey { get; }

    /// <summary>Null for a key that can only encrypt.</summary>
    public byte[]? PrivateKey { get; }

    public string KeyId { get; }

    /// <summary>The part of the key id after the prefix: what a blob name may carry (hex).</summary>
    public string ShortId => KeyId[KeyIdPrefix.Length..];

    public static CaseKey Create()
    {
        using var key = Key.Create(X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        return new CaseKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey), key.Export(KeyBlobFormat.RawPrivateKey));
    }

    /// <exception cref="CryptographicException">Not an X25519 private key.</exception>
    public static CaseKey FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        try
        {
            using var key = Key.Import(X25519, privateKey, KeyBlobFormat.RawPrivateKey, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            return new CaseKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey), privateKey.ToArray());
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("Not an X25519 private key.", ex);
        }
    }

    /// <summary>Encrypts to this key: <c>epk (32) | nonce (12) | ciphertext | tag (16)</c>, bound to <paramref name="context"/>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var ephemeral = Key.Create(X25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });
        var epk = ephemeral.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        var content = ContentKey(ephemeral, NSec.Cryptography.PublicKey.Import(X25519, PublicKey, KeyBlobFormat.RawPublicKey), epk, PublicKey);
        var output = new byte[epk.Length + NonceSize + plaintext.Length + TagSize];
        epk.CopyTo(output, 0);
        var nonce = output.AsSpan(epk.Length, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(content, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(epk.Length + NonceSize, plaintext.Length), output.AsSpan(output.Length - TagSize), Aad(context));
        CryptographicOperations.ZeroMemory(content);
        return output;
    }

    /// <summary>Opens what <see cref="Seal"/> wrote to this key.</summary>
    /// <exception cref="CryptographicException">Altered, for another key or context, or this key cannot decrypt.</exception>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, string context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (PrivateKey is null)
        {
            throw new CryptographicException("This case key holds only the public key.");
        }

        if (sealedBytes.Length < 32 + NonceSize + TagSize)
        {
            throw new CryptographicException("A case-key envelope is too short.");
        }

        var epk = sealedBytes[..32];
        using var key = Key.Import(X25519, PrivateKey, KeyBlobFormat.RawPrivateKey);
        byte[] content;
        try
        {
            content = ContentKey(key, NSec.Cryptography.PublicKey.Import(X25519, epk, KeyBlobFormat.RawPublicKey), epk, PublicKey);
        }
        catch (FormatException ex)
        {
            throw new CryptographicException("A case-key envelope holds no X25519 public key.", ex);
        }

        var plain = new byte[sealedBytes.Length - 32 - NonceSize - TagSize];
        using var aes = new AesGcm(content, TagSize);
        aes.Decrypt(sealedBytes.Slice(32, NonceSize), sealedBytes.Slice(32 + NonceSize, plain.Length), sealedBytes[^TagSize..], plain, Aad(context));
        CryptographicOperations.ZeroMemory(content);
        return plain;
    }

    /// <summary>The envelope's AES key: HKDF-SHA256 over the agreement, salted with both public keys (ephemeral, then recipient's).</summary>
    private static byte[] ContentKey(Key own, PublicKey other, ReadOnlySpan<byte> ephemeralPublicKey, ReadOnlySpan<byte> recipientPublicKey)
    {
        using var shared = X25519.Agree(own, other) ?? throw new CryptographicException("The X25519 agreement gave no secret (a low-order key).");
        byte[] salt = [.. ephemeralPublicKey, .. recipientPublicKey];
        return KeyDerivationAlgorithm.HkdfSha256.DeriveBytes(shared, salt, "hotline/case-key/v1"u8, 32);
    }

    private static byte[] Aad(string context) => Encoding.UTF8.GetBytes("hotline/case-key/v1\n" + context);
}
