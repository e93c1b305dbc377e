using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;

namespace Hotline.Tests.Intake;

/// <summary>
/// The stored format, checked without any Hotline or Azure SDK crypto code: the content key is
/// wrapped with RSA-OAEP-SHA256 under the hotline's key, and the report is AES-256-GCM (client-side
/// encryption v2). A responder tool in any language can read it from this description alone.
/// </summary>
public sealed class EncryptionFormatTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private TestApp? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _app = await TestApp.StartAsync(TestApp.BaseSettings(azurite.ConnectionString), cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task StoredReport_PlainRsaOaepSha256AndAesGcm_Decrypt()
    {
        var text = PrivacyCanaries.Register("The foreman keeps the workers' passports in a drawer " + Guid.NewGuid());
        using var response = await _app!.Http.PostAsJsonAsync("/api/tips", new { message = text }, Ct);
        var id = SubmitTipTests.ParseReceipt((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());
        var raw = (await new BlobClient(azurite.ConnectionString, "tips", ReportStore.ReportBlobName(id)).DownloadContentAsync(Ct)).Value;
        using var metadata = JsonDocument.Parse(raw.Details.Metadata["encryptiondata"]);
        var wrapped = metadata.RootElement.GetProperty("WrappedContentKey");
        var agent = metadata.RootElement.GetProperty("EncryptionAgent");
        Assert.Equal("RSA-OAEP-256", wrapped.GetProperty("Algorithm").GetString());
        Assert.Equal("2.0", agent.GetProperty("Protocol").GetString());
        Assert.Equal("AES_GCM_256", agent.GetProperty("EncryptionAlgorithm").GetString());

        // Unwrap with nothing but the private key and the padding the design names.
        using var rsa = RSA.Create();
        rsa.ImportFromPem(TestKeys.PrivateKeyPem);
        var unwrapped = rsa.Decrypt(Convert.FromBase64String(wrapped.GetProperty("EncryptedKey").GetString()!), RSAEncryptionPadding.OaepSHA256);

        // v2 wraps the protocol version ("2.0", zero-padded to 8 bytes) in front of the 32-byte key.
        Assert.Equal(40, unwrapped.Length);
        Assert.Equal("2.0\0\0\0\0\0"u8.ToArray(), unwrapped[..8]);
        var key = unwrapped[8..];

        // One region (a report is far below the 4 MiB region size): nonce, ciphertext, tag.
        var region = raw.Content.ToArray();
        var nonceLength = metadata.RootElement.GetProperty("EncryptedRegionInfo").GetProperty("NonceLength").GetInt32();
        const int tagLength = 16;
        var plaintext = new byte[region.Length - nonceLength - tagLength];
        using (var aes = new AesGcm(key, tagLength))
        {
            aes.Decrypt(region.AsSpan(0, nonceLength), region.AsSpan(nonceLength, plaintext.Length), region.AsSpan(region.Length - tagLength), plaintext);
        }

        using var report = JsonDocument.Parse(plaintext);
        Assert.Equal(text, report.RootElement.GetProperty("message").GetString());
        Assert.Equal(id.ToString(), report.RootElement.GetProperty("tipId").GetString());
        Assert.DoesNotContain("foreman", Encoding.UTF8.GetString(region), StringComparison.Ordinal);
    }
}
