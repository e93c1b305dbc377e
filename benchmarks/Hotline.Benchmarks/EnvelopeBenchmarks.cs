using System.Net;
using System.Numerics;
using System.Security.Cryptography;
using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using BenchmarkDotNet.Attributes;
using Hotline.Encryption;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Configuration;

namespace Hotline.Benchmarks;

// A fixed, larger invocation count: at 1 KiB the envelope allocates so little that the default (about 2,000
// operations, some 60 MB) ends before the first gen0 collection, and the row could not show gen0 against gen2.
[MemoryDiagnoser]
[InvocationCount(16384)]
public class EnvelopeBenchmarks
{
    private readonly RSA _rsa = RSA.Create(3072);
    private ReportStore _store = null!;
    private RsaKeyEncryptionKey _key = null!;
    private HotlineStorage _storage = null!;
    private TipReport _report = null!;
    private byte[] _plain = null!;
    private byte[] _padded = null!;
    private BlobClient _sdkEncrypting = null!;

    [Params(1024, 10 * 1024)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        }).Build();
        StorageConnection.TryCreate(configuration, out var connection, out _);
        _storage = new HotlineStorage(connection!, new HotlineStorageOptions { Transport = new HttpClientTransport(new HttpClient(new AcceptingHandler())) });
        _key = RsaKeyEncryptionKey.FromPublicKeyPem(_rsa.ExportSubjectPublicKeyInfoPem());
        _store = new ReportStore(_storage, _key);
        var message = string.Concat(Enumerable.Repeat("They took our passports and we work at the farm near the border. ", (Bytes / 64) + 1))[..(Bytes - 300)];
        _report = new TipReport { TipId = "7K2M-9QXD-4HTR", Channel = Channel.Web, ReceivedAt = DateTimeOffset.UnixEpoch, Language = "en", Urgency = Urgency.High, Message = message };
        _plain = _report.ToUtf8Json();
        _padded = new byte[Math.Max(ReportStore.MinPaddedSize, (int)BitOperations.RoundUpToPowerOf2((uint)_plain.Length))];
        _plain.CopyTo(_padded, 0);
        _padded.AsSpan(_plain.Length).Fill((byte)' ');
        _sdkEncrypting = _storage.Tips.GetBlobClient("7K2M9QXD4HTR/report").WithClientSideEncryptionOptions(
            new ClientSideEncryptionOptions(ClientSideEncryptionVersion.V2_0) { KeyEncryptionKey = _key, KeyWrapAlgorithm = RsaKeyEncryptionKey.Algorithm });
    }

    [Benchmark(Baseline = true, Description = "floor: AES-256-GCM + RSA-OAEP-256 wrap")]
    public byte[] Floor() => EncryptionFloor.Run(_plain, _rsa);

    [Benchmark(Description = "envelope: ReportStore.CreateOnceAsync (Hotline's v2 writer)")]
    public Task<CreateOutcome> Envelope() => _store.CreateOnceAsync("7K2M9QXD4HTR/report", _report, writeMark: null);

    // What ReportStore did before its own writer: the same padded envelope and conditions through the SDK's
    // client-side encryption v2, which stages each upload through a 4 MiB region buffer.
    [Benchmark(Description = "the same envelope, SDK's v2 encryptor")]
    public async Task SdkEncryptor() => await _sdkEncrypting.UploadAsync(
        BinaryData.FromBytes(_padded),
        new BlobUploadOptions
        {
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { [ReportStore.WriteMarkMetadata] = ReportStore.NewWriteMark() },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        });

    [Benchmark(Description = "the same upload, unencrypted (SDK request cost)")]
    public async Task Unencrypted() => await _storage.Tips.GetBlobClient("7K2M9QXD4HTR/report").UploadAsync(BinaryData.FromBytes(_plain), overwrite: true);

    [GlobalCleanup]
    public void Cleanup()
    {
        _key.Dispose();
        _rsa.Dispose();
    }

    /// <summary>Storage that accepts every request at once, after reading its body (so the encryption runs whole).</summary>
    internal sealed class AcceptingHandler : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"0x1\"");
            response.Content.Headers.LastModified = DateTimeOffset.UnixEpoch;
            return response;
        }
    }
}
