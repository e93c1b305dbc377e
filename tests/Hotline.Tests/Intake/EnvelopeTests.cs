using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Hotline.Cases;
using Hotline.Encryption;
using Hotline.Storage;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Microsoft.Extensions.Configuration;

namespace Hotline.Tests.Intake;

/// <summary>
/// Hotline writes client-side encryption v2 itself (<see cref="ClientSideEncryptionV2"/>), not through the SDK's
/// encryptor: every blob it writes must still be one the SDK's v2 reader and an independent reader (Node.js, built-in
/// crypto only) decrypt, laid out byte for byte as the SDK lays it out, with metadata of the SDK's shape.
/// </summary>
public sealed class EnvelopeTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const int Region = ClientSideEncryptionV2.RegionDataLength;

    private HotlineStorage _hotline = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [StorageConnection.SettingName] = storage.ConnectionString }).Build();
        Assert.True(StorageConnection.TryCreate(configuration, out var connection, out var error), error);
        _hotline = new HotlineStorage(connection!);
        await _hotline.Tips.CreateIfNotExistsAsync(cancellationToken: Ct);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(Region)]
    [InlineData(Region + 1)]
    public async Task HotlineEnvelope_SizesAroundTheRegion_DecryptWithTheSdkAndTheNodeDecryptor(int size)
    {
        var plaintext = RandomNumberGenerator.GetBytes(size);
        var name = $"envelope-tests/{Guid.NewGuid():N}/media-0001-1";
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);

        // The production path for content of any size (media is stored unpadded).
        await new ReportStore(_hotline, key).StoreMediaAsync(name, plaintext, Ct);

        Assert.Equal(plaintext, (await TestKeys.DecryptAsync(storage.ConnectionString, name, Ct)).ToArray());
        var raw = (await new BlobClient(storage.ConnectionString, "tips", name).DownloadContentAsync(Ct)).Value;
        Assert.Equal(plaintext, await NodeDecryptor.DecryptAsync(raw.Content.ToMemory(), raw.Details.Metadata["encryptiondata"], TestKeys.PrivateKeyPem, Ct));

        // The SDK's own layout for the same plaintext: the same length, and the same nonces region by region.
        var sdkName = await SdkWriteAsync(plaintext);
        var sdkRaw = (await new BlobClient(storage.ConnectionString, "tips", sdkName).DownloadContentAsync(Ct)).Value.Content.ToArray();
        var ours = raw.Content.ToArray();
        Assert.Equal(sdkRaw.Length, ours.Length);
        Assert.Equal(ClientSideEncryptionV2.CiphertextLength(size), ours.Length);
        Assert.Equal(NoncesOf(sdkRaw), NoncesOf(ours));
        Assert.Equal((size + Region - 1) / Region, NoncesOf(ours).Count);
    }

    [Fact]
    public async Task EncryptionMetadata_HotlineAndSdkWritten_HaveTheSameShape()
    {
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);
        var name = $"envelope-tests/{Guid.NewGuid():N}/report";
        Assert.Equal(CreateOutcome.Created, await new ReportStore(_hotline, key).CreateOnceAsync(name, "{}"u8.ToArray(), writeMark: null, Ct));
        var sdkName = await SdkWriteAsync(new byte[ReportStore.MinPaddedSize]);

        using var ours = JsonDocument.Parse((await new BlobClient(storage.ConnectionString, "tips", name).GetPropertiesAsync(cancellationToken: Ct)).Value.Metadata["encryptiondata"]);
        using var sdk = JsonDocument.Parse((await new BlobClient(storage.ConnectionString, "tips", sdkName).GetPropertiesAsync(cancellationToken: Ct)).Value.Metadata["encryptiondata"]);

        // The same members in the same order, and the same values wherever a reader looks: mode, algorithms,
        // protocol version, region size, nonce length, key id, and a wrapped key of the same length.
        Assert.Equal(Paths(sdk.RootElement), Paths(ours.RootElement));
        Assert.Equal(
            ["EncryptionMode", "WrappedContentKey", "EncryptionAgent", "EncryptedRegionInfo", "KeyWrappingMetadata"],
            ours.RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var path in new[] { "EncryptionMode", "WrappedContentKey.KeyId", "WrappedContentKey.Algorithm", "EncryptionAgent.Protocol", "EncryptionAgent.EncryptionAlgorithm", "EncryptedRegionInfo.DataLength", "EncryptedRegionInfo.NonceLength" })
        {
            Assert.Equal(Value(sdk.RootElement, path), Value(ours.RootElement, path));
        }

        Assert.Equal("2.0", Value(ours.RootElement, "EncryptionAgent.Protocol"));
        Assert.Equal("RSA-OAEP-256", Value(ours.RootElement, "WrappedContentKey.Algorithm"));
        Assert.Equal(TestKeys.KeyId, Value(ours.RootElement, "WrappedContentKey.KeyId"));
        Assert.Equal(Convert.FromBase64String(Value(sdk.RootElement, "WrappedContentKey.EncryptedKey")).Length, Convert.FromBase64String(Value(ours.RootElement, "WrappedContentKey.EncryptedKey")).Length);
        Assert.True(CaseDocuments.IsHotlineEncryption(ours.RootElement.GetRawText()));

        // The one value that differs, on purpose: the SDK names its build, the runtime and the OS of the intake.
        var library = Value(ours.RootElement, "KeyWrappingMetadata.EncryptionLibrary");
        Assert.Equal(ClientSideEncryptionV2.EncryptionLibrary, library);
        Assert.DoesNotContain(RuntimeInformation.OSDescription, library, StringComparison.Ordinal);
        Assert.DoesNotContain(RuntimeInformation.FrameworkDescription, library, StringComparison.Ordinal);
        Assert.Contains(RuntimeInformation.FrameworkDescription, Value(sdk.RootElement, "KeyWrappingMetadata.EncryptionLibrary"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubmitTip_StoredReport_DecryptsWithTheNodeDecryptor()
    {
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(storage.ConnectionString), cancellationToken: Ct);
        var text = PrivacyCanaries.Register("The boss at the bakery keeps our papers, read in Node " + Guid.NewGuid());
        using var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = text }, Ct);
        var id = SubmitTipTests.ParseReceipt((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString());

        var raw = (await new BlobClient(storage.ConnectionString, "tips", ReportStore.ReportBlobName(id)).DownloadContentAsync(Ct)).Value;
        var plaintext = await NodeDecryptor.DecryptAsync(raw.Content.ToMemory(), raw.Details.Metadata["encryptiondata"], TestKeys.PrivateKeyPem, Ct);

        Assert.Equal(text, TipReport.FromUtf8Json(plaintext).Message);
        Assert.Equal(ReportStore.MinPaddedSize, plaintext.Length);
    }

    [Fact]
    public async Task NodeDecryptor_OneBitOfTheCiphertextFlipped_Refuses()
    {
        // The independent reader proves something only if it checks: a tampered region fails its tag.
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);
        var (ciphertext, encryptionData) = await ClientSideEncryptionV2.EncryptAsync(new byte[64], key, RsaKeyEncryptionKey.Algorithm, Ct);
        ciphertext[ClientSideEncryptionV2.NonceLength + 3] ^= 1;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => NodeDecryptor.DecryptAsync(ciphertext, encryptionData, TestKeys.PrivateKeyPem, Ct));
        Assert.Contains("refused", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes <paramref name="plaintext"/> with the SDK's own v2 encryptor, as intake did before.</summary>
    private async Task<string> SdkWriteAsync(byte[] plaintext)
    {
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(TestKeys.PublicKeyPem);
        var name = $"envelope-tests/{Guid.NewGuid():N}/sdk";
        var options = new SpecializedBlobClientOptions
        {
            ClientSideEncryption = new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0) { KeyEncryptionKey = key, KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm },
        };
        await new BlobClient(storage.ConnectionString, "tips", name, options).UploadAsync(BinaryData.FromBytes(plaintext), Ct);
        return name;
    }

    /// <summary>The nonce at the head of each region of a stored blob, as hex.</summary>
    private static List<string> NoncesOf(byte[] stored)
    {
        var nonces = new List<string>();
        for (var at = 0; at < stored.Length; at += ClientSideEncryptionV2.NonceLength + Region + ClientSideEncryptionV2.TagLength)
        {
            nonces.Add(Convert.ToHexString(stored, at, ClientSideEncryptionV2.NonceLength));
        }

        return nonces;
    }

    private static List<string> Paths(JsonElement element, string prefix = "")
    {
        var paths = new List<string>();
        foreach (var property in element.EnumerateObject())
        {
            var path = prefix + property.Name;
            paths.Add(path + ":" + property.Value.ValueKind);
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                paths.AddRange(Paths(property.Value, path + "."));
            }
        }

        return paths;
    }

    private static string Value(JsonElement element, string path)
    {
        foreach (var part in path.Split('.'))
        {
            element = element.GetProperty(part);
        }

        return element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString()!;
    }
}
