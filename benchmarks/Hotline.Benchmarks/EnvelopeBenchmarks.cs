using System.Net;
using System.Security.Cryptography;
using Azure.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Hotline.Encryption;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Configuration;

namespace Hotline.Benchmarks;

[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private readonly RSA _rsa = RSA.Create(3072);
    private ReportStore _store = null!;
    private RsaKeyEncryptionKey _key = null!;
    private HotlineStorage _storage = null!;
    private TipReport _report = null!;
    private byte[] _plain = null!;

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
    }

    [Benchmark(Baseline = true, Description = "floor: AES-256-GCM + RSA-OAEP-256 wrap")]
    public byte[] Floor()
    {
        Span<byte> contentKey = stackalloc byte[32];
        Span<byte> nonce = stackalloc byte[12];
        Span<byte> tag = stackalloc byte[16];
        RandomNumberGenerator.Fill(contentKey);
        RandomNumberGenerator.Fill(nonce);
        var cipher = new byte[_plain.Length];
        using (var aes = new AesGcm(contentKey, tag.Length))
        {
            aes.Encrypt(nonce, _plain, cipher, tag);
        }

        return _rsa.Encrypt(contentKey.ToArray(), RSAEncryptionPadding.OaepSHA256);
    }

    [Benchmark(Description = "envelope: ReportStore.CreateOnceAsync")]
    public Task<CreateOutcome> Envelope() => _store.CreateOnceAsync("7K2M9QXD4HTR/report", _report, writeMark: null);

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
