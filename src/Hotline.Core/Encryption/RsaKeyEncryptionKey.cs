using System.Security.Cryptography;
using Azure.Core.Cryptography;

namespace Hotline.Encryption;

/// <summary>
/// The key-encryption key of client-side encryption v2: wraps each blob's fresh AES-256-GCM content
/// key with the hotline's RSA public key (RSA-OAEP-256). Built from a public key it can only wrap;
/// the intake side is never given more, so it cannot read what it stored.
/// </summary>
public sealed class RsaKeyEncryptionKey : IKeyEncryptionKey, IDisposable
{
    /// <summary>The only key-wrap algorithm Hotline uses.</summary>
    public const string Algorithm = "RSA-OAEP-256";

    /// <summary>Hotline's key size: RSA-3072 (about 128-bit security).</summary>
    public const int KeySizeInBits = 3072;

    private readonly RSA _rsa;

    private RsaKeyEncryptionKey(RSA rsa, bool hasPrivateKey)
    {
        _rsa = rsa;
        HasPrivateKey = hasPrivateKey;
        KeyId = HotlineKeys.KeyIdOf(rsa);
    }

    /// <inheritdoc />
    public string KeyId { get; }

    /// <summary>Whether this key can unwrap (responder tools only).</summary>
    public bool HasPrivateKey { get; }

    /// <summary>The public half as PEM (SubjectPublicKeyInfo), what the intake app is given.</summary>
    public string PublicKeyPem => _rsa.ExportSubjectPublicKeyInfoPem();

    /// <summary>
    /// A wrap-only key from a PEM public key (<c>PUBLIC KEY</c> or <c>RSA PUBLIC KEY</c>). A PEM that holds
    /// a private key is refused: the intake side must never hold what reads the reports.
    /// </summary>
    public static RsaKeyEncryptionKey FromPublicKeyPem(string pem)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        if (pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            throw new CryptographicException("it holds a private key; the intake app must be given only the public key ('hotline keys public' writes it from the private one).");
        }

        var rsa = HotlineKeys.ImportPem(pem);
        try
        {
            var publicOnly = RSA.Create();
            publicOnly.ImportParameters(rsa.ExportParameters(includePrivateParameters: false));
            HotlineKeys.EnsureStrongEnough(publicOnly);
            return new RsaKeyEncryptionKey(publicOnly, hasPrivateKey: false);
        }
        finally
        {
            rsa.Dispose();
        }
    }

    /// <summary>A key that can unwrap, from a PEM private key (responder tools only).</summary>
    public static RsaKeyEncryptionKey FromPrivateKeyPem(string pem) => FromPrivateKeyPem(pem, passphrase: null);

    /// <summary>As <see cref="FromPrivateKeyPem(string)"/>; an encrypted PEM needs its passphrase.</summary>
    /// <exception cref="CryptographicException">Not a private key, too weak, or the passphrase is missing or wrong.</exception>
    public static RsaKeyEncryptionKey FromPrivateKeyPem(string pem, string? passphrase)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        RSA rsa;
        if (HotlineKeys.IsEncrypted(pem))
        {
            if (string.IsNullOrEmpty(passphrase))
            {
                throw new CryptographicException("the private key is protected by a passphrase, and none was given (prompted, or HOTLINE_KEY_PASSPHRASE).");
            }

            rsa = RSA.Create();
            try
            {
                rsa.ImportFromEncryptedPem(pem, passphrase);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                rsa.Dispose();
                throw new CryptographicException("wrong passphrase for the private key.", ex);
            }
        }
        else
        {
            rsa = HotlineKeys.ImportPem(pem);
        }

        HotlineKeys.EnsureStrongEnough(rsa);
        try
        {
            _ = rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw new CryptographicException("The PEM holds no private key.");
        }

        return new RsaKeyEncryptionKey(rsa, hasPrivateKey: true);
    }

    /// <inheritdoc />
    public byte[] WrapKey(string algorithm, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        EnsureAlgorithm(algorithm);
        return _rsa.Encrypt(key.Span, RSAEncryptionPadding.OaepSHA256);
    }

    /// <inheritdoc />
    public Task<byte[]> WrapKeyAsync(string algorithm, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default) =>
        Task.FromResult(WrapKey(algorithm, key, cancellationToken));

    /// <inheritdoc />
    public byte[] UnwrapKey(string algorithm, ReadOnlyMemory<byte> encryptedKey, CancellationToken cancellationToken = default)
    {
        EnsureAlgorithm(algorithm);
        if (!HasPrivateKey)
        {
            throw new InvalidOperationException("This key holds only the public key: it can encrypt reports but never read them.");
        }

        return _rsa.Decrypt(encryptedKey.Span, RSAEncryptionPadding.OaepSHA256);
    }

    /// <inheritdoc />
    public Task<byte[]> UnwrapKeyAsync(string algorithm, ReadOnlyMemory<byte> encryptedKey, CancellationToken cancellationToken = default) =>
        Task.FromResult(UnwrapKey(algorithm, encryptedKey, cancellationToken));

    public void Dispose() => _rsa.Dispose();

    private static void EnsureAlgorithm(string algorithm)
    {
        if (!string.Equals(algorithm, Algorithm, StringComparison.Ordinal))
        {
            throw new NotSupportedException($"Key-wrap algorithm '{algorithm}' is not supported; Hotline uses {Algorithm}.");
        }
    }
}
