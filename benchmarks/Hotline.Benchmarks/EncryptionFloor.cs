using System.Security.Cryptography;

namespace Hotline.Benchmarks;

/// <summary>What any envelope of a report costs at least: the bare primitives it is built on, one AES-256-GCM pass and one RSA-OAEP-256 wrap.</summary>
internal static class EncryptionFloor
{
    public static byte[] Run(byte[] plain, RSA rsa)
    {
        Span<byte> contentKey = stackalloc byte[32];
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> tag = stackalloc byte[16];
        RandomNumberGenerator.Fill(contentKey);
        RandomNumberGenerator.Fill(nonce);
        var cipher = new byte[plain.Length];
        using (var aes = new AesGcm(contentKey, tag.Length))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }

        return rsa.Encrypt(contentKey.ToArray(), RSAEncryptionPadding.OaepSHA256);
    }
}
