using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Core.Cryptography;

namespace Hotline.Encryption;

/// <summary>
/// Writes the Azure Storage SDK's client-side encryption v2 envelope by hand, so that any reader of v2 (the SDK's
/// <c>ClientSideEncryptionOptions</c>, the responders' tool, a decryptor in another language) reads it as one the SDK
/// wrote. Why not the SDK's encryptor: it stages every upload through a fixed 4 MiB region buffer, so a 1 KiB report
/// cost about 8 MB of large-object-heap allocation and a gen2 collection every few reports. Here the ciphertext is
/// sized to the plaintext.
/// <para>
/// The format (Azure.Storage.Common, <c>ClientSideEncryptorV2_0</c>, <c>GcmAuthenticatedCryptographicTransform</c>,
/// <c>EncryptionDataSerializer</c>): a fresh 256-bit content key per blob; the plaintext cut in regions of
/// <see cref="RegionDataLength"/> bytes, the last one shorter, none for empty content; each region stored as a
/// 12-byte nonce, its AES-256-GCM ciphertext and a 16-byte tag, no associated data; nonces are 4 zero bytes and a
/// little-endian 64-bit counter from 1 (unique because the key is used for this blob alone); the key wrapped
/// together with the protocol version (<c>"2.0"</c> zero-padded to 8 bytes, then the 32 key bytes), which is what a
/// v2 reader checks after unwrapping; and <c>encryptiondata</c> metadata with the SDK's members in the SDK's order.
/// </para>
/// </summary>
public static class ClientSideEncryptionV2
{
    /// <summary>The blob metadata entry a v2 reader looks for.</summary>
    public const string MetadataName = "encryptiondata";

    /// <summary>Plaintext bytes per region: the SDK's, and what its reader expects in <c>EncryptedRegionInfo</c>.</summary>
    public const int RegionDataLength = 4 * 1024 * 1024;

    public const int NonceLength = 12;

    public const int TagLength = 16;

    private const int ContentKeyLength = 32;

    /// <summary>The protocol version as it is wrapped in front of the content key: <c>"2.0"</c> zero-padded to 8 bytes.</summary>
    private static ReadOnlySpan<byte> WrappedVersion => "2.0\0\0\0\0\0"u8;

    /// <summary>
    /// What <c>KeyWrappingMetadata.EncryptionLibrary</c> says. The SDK names its build, the .NET runtime and the OS of
    /// the writer there; no reader uses the value, so Hotline names only the format and gives a reader of the account
    /// nothing about the intake's platform.
    /// </summary>
    public const string EncryptionLibrary = "Hotline (client-side encryption v2)";

    /// <summary>The stored length for a plaintext of <paramref name="plaintextLength"/> bytes (the SDK's formula).</summary>
    public static long CiphertextLength(long plaintextLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plaintextLength);
        var regions = (plaintextLength + RegionDataLength - 1) / RegionDataLength;
        return plaintextLength + (regions * (NonceLength + TagLength));
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> under a fresh content key wrapped by <paramref name="keyEncryptionKey"/>
    /// with <paramref name="keyWrapAlgorithm"/>; returns the blob's bytes and its <c>encryptiondata</c> value.
    /// </summary>
    public static async Task<(byte[] Ciphertext, string EncryptionData)> EncryptAsync(
        ReadOnlyMemory<byte> plaintext, IKeyEncryptionKey keyEncryptionKey, string keyWrapAlgorithm, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keyEncryptionKey);
        ArgumentException.ThrowIfNullOrEmpty(keyWrapAlgorithm);
        var versionedKey = new byte[WrappedVersion.Length + ContentKeyLength];
        try
        {
            WrappedVersion.CopyTo(versionedKey);
            var contentKey = versionedKey.AsMemory(WrappedVersion.Length);
            RandomNumberGenerator.Fill(contentKey.Span);
            var ciphertext = Encrypt(plaintext.Span, contentKey.Span);
            var wrapped = await keyEncryptionKey.WrapKeyAsync(keyWrapAlgorithm, versionedKey, cancellationToken).ConfigureAwait(false);
            return (ciphertext, EncryptionData(keyEncryptionKey.KeyId, wrapped, keyWrapAlgorithm));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(versionedKey);
        }
    }

    private static byte[] Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> contentKey)
    {
        var ciphertext = new byte[CiphertextLength(plaintext.Length)];
        using var aes = new AesGcm(contentKey, TagLength);
        var output = ciphertext.AsSpan();
        long counter = 1;
        while (!plaintext.IsEmpty)
        {
            var length = Math.Min(plaintext.Length, RegionDataLength);
            var nonce = output[..NonceLength];
            nonce[..4].Clear();
            BinaryPrimitives.WriteInt64LittleEndian(nonce[4..], counter++);
            aes.Encrypt(nonce, plaintext[..length], output.Slice(NonceLength, length), output.Slice(NonceLength + length, TagLength));
            plaintext = plaintext[length..];
            output = output[(NonceLength + length + TagLength)..];
        }

        return ciphertext;
    }

    private static string EncryptionData(string keyId, byte[] wrappedKey, string keyWrapAlgorithm)
    {
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("EncryptionMode", "FullBlob");
            json.WriteStartObject("WrappedContentKey");
            json.WriteString("KeyId", keyId);
            json.WriteString("EncryptedKey", Convert.ToBase64String(wrappedKey));
            json.WriteString("Algorithm", keyWrapAlgorithm);
            json.WriteEndObject();
            json.WriteStartObject("EncryptionAgent");
            json.WriteString("Protocol", "2.0");
            json.WriteString("EncryptionAlgorithm", "AES_GCM_256");
            json.WriteEndObject();
            json.WriteStartObject("EncryptedRegionInfo");
            json.WriteNumber("DataLength", RegionDataLength);
            json.WriteNumber("NonceLength", NonceLength);
            json.WriteEndObject();
            json.WriteStartObject("KeyWrappingMetadata");
            json.WriteString("EncryptionLibrary", EncryptionLibrary);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
