using System.Security.Cryptography;

namespace Hotline.Encryption;

/// <summary>Making, loading and naming the hotline's RSA key pair.</summary>
public static class HotlineKeys
{
    /// <summary>A new RSA-3072 key pair as PEM (PKCS#8 private, SubjectPublicKeyInfo public).</summary>
    public static (string PrivateKeyPem, string PublicKeyPem, string KeyId) Generate()
    {
        using var rsa = RSA.Create(RsaKeyEncryptionKey.KeySizeInBits);
        return (rsa.ExportPkcs8PrivateKeyPem(), rsa.ExportSubjectPublicKeyInfoPem(), KeyIdOf(rsa));
    }

    /// <summary>
    /// A new pair whose private key is encrypted with a passphrase: PKCS#8 with PBES2 (PBKDF2-SHA256,
    /// 600,000 iterations, AES-256-CBC), what .NET exports and OpenSSL reads.
    /// </summary>
    public static (string PrivateKeyPem, string PublicKeyPem, string KeyId) Generate(string passphrase)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        using var rsa = RSA.Create(RsaKeyEncryptionKey.KeySizeInBits);
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 600_000);
        return (rsa.ExportEncryptedPkcs8PrivateKeyPem(passphrase, pbe), rsa.ExportSubjectPublicKeyInfoPem(), KeyIdOf(rsa));
    }

    /// <summary>Whether a PEM private key is passphrase-protected (and so needs one to load).</summary>
    public static bool IsEncrypted(string pem) => pem?.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal) == true;

    /// <summary>
    /// The key id recorded with every blob: the start of SHA-256 over the public key's DER, so keys
    /// can coexist during rotation and a responder can tell which private key a report needs.
    /// </summary>
    public static string KeyIdOf(RSA rsa)
    {
        ArgumentNullException.ThrowIfNull(rsa);
        var hash = SHA256.HashData(rsa.ExportSubjectPublicKeyInfo());
        return "hotline-rsa-" + Convert.ToHexStringLower(hash.AsSpan(0, 16));
    }

    internal static RSA ImportPem(string pem)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            return rsa;
        }
        catch (ArgumentException ex)
        {
            rsa.Dispose();
            throw new CryptographicException("The text is not a PEM RSA key.", ex);
        }
    }

    internal static void EnsureStrongEnough(RSA rsa)
    {
        if (rsa.KeySize < RsaKeyEncryptionKey.KeySizeInBits)
        {
            throw new CryptographicException($"The RSA key has {rsa.KeySize} bits; Hotline requires at least {RsaKeyEncryptionKey.KeySizeInBits}.");
        }
    }
}
