using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Hotline.Encryption;
using Hotline.Tips;

namespace Hotline.Tests.Infrastructure;

/// <summary>One RSA-3072 key pair for the test run: the app gets the public half, tests keep the private half.</summary>
public static class TestKeys
{
    private static readonly Lazy<(string PrivatePem, string PublicPem, string KeyId)> Pair = new(HotlineKeys.Generate);

    public static string PublicKeyPem => Pair.Value.PublicPem;

    public static string PrivateKeyPem => Pair.Value.PrivatePem;

    public static string KeyId => Pair.Value.KeyId;

    public const string PhonePepper = "test-pepper-0123456789abcdef0123456789";

    /// <summary>Decrypts a stored report exactly as a responder would: the standard SDK, client-side encryption v2, the private key.</summary>
    public static async Task<TipReport> DecryptReportAsync(string connectionString, string blobName, CancellationToken cancellationToken = default) =>
        TipReport.FromUtf8Json((await DecryptAsync(connectionString, blobName, cancellationToken)).Span);

    /// <summary>Any blob of the <c>tips</c> container decrypted as a responder would (a media item's bytes, a media record).</summary>
    public static async Task<ReadOnlyMemory<byte>> DecryptAsync(string connectionString, string blobName, CancellationToken cancellationToken = default)
    {
        using var key = RsaKeyEncryptionKey.FromPrivateKeyPem(PrivateKeyPem);
        var options = new SpecializedBlobClientOptions
        {
            ClientSideEncryption = new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0)
            {
                KeyResolver = new RsaKeyResolver([key]),
                KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm,
            },
        };
        var blob = new BlobClient(connectionString, "tips", blobName, options);
        var content = await blob.DownloadContentAsync(cancellationToken);
        return content.Value.Content.ToMemory();
    }
}
