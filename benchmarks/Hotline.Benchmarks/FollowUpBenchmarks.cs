using System.Security.Cryptography;
using Azure.Core.Pipeline;
using BenchmarkDotNet.Attributes;
using Hotline.Encryption;
using Hotline.FollowUp;
using Hotline.Storage;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Hotline.Benchmarks;

/// <summary>
/// The follow-up code's cost (issue 27): one Argon2id (m = 19 MiB, t = 2, p = 1, the default and OWASP's minimum)
/// per web report and per look-up, next to the intake floor of <see cref="EnvelopeBenchmarks"/> (AES-256-GCM of
/// 1 KiB + an RSA-OAEP-256 wrap) and the report's own envelope, measured in the same run.
/// </summary>
[MemoryDiagnoser]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "BenchmarkDotNet's [GlobalCleanup] disposes them.")]
public class FollowUpBenchmarks
{
    private const string Pepper = "benchmark pepper, not a secret";
    private readonly RSA _rsa = RSA.Create(3072);
    private RsaKeyEncryptionKey _key = null!;
    private ReportStore _store = null!;
    private CodeKeys _codeKeys = null!;
    private FollowUpVault _vault = null!;
    private TipReport _report = null!;
    private byte[] _plain = null!;
    private string _code = null!;
    private string _digits = null!;
    private TipId _id;

    [GlobalSetup]
    public void Setup()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:1/devstoreaccount1;",
        }).Build();
        StorageConnection.TryCreate(configuration, out var connection, out _);
        var storage = new HotlineStorage(connection!, new HotlineStorageOptions { Transport = new HttpClientTransport(new HttpClient(new LookupHandler())) });
        _key = RsaKeyEncryptionKey.FromPublicKeyPem(_rsa.ExportSubjectPublicKeyInfoPem());
        _store = new ReportStore(storage, _key);
        _codeKeys = new CodeKeys(Pepper, Options.Create(new FollowUpOptions()));
        _vault = new FollowUpVault(storage, _store, IntakeSecrets.FromPepper(Pepper), _codeKeys);
        var message = string.Concat(Enumerable.Repeat("They took our passports and we work at the farm near the border. ", 17))[..724];
        _report = new TipReport { TipId = "7K2M-9QXD-4HTR", Channel = Channel.Web, ReceivedAt = DateTimeOffset.UnixEpoch, Language = "en", Urgency = Urgency.High, Message = message };
        _plain = _report.ToUtf8Json();
        _code = FollowUpCode.New();
        FollowUpCode.TryNormalize(_code, out _digits);
        _id = TipId.TryParse(_report.TipId, out var id) ? id.Value : throw new InvalidOperationException("not a receipt");
    }

    [Benchmark(Baseline = true, Description = "floor: AES-256-GCM + RSA-OAEP-256 wrap (1 KiB)")]
    public byte[] Floor() => EncryptionFloor.Run(_plain, _rsa);

    [Benchmark(Description = "the report's envelope: ReportStore.CreateOnceAsync (1 KiB)")]
    public Task<CreateOutcome> Envelope() => _store.CreateOnceAsync("7K2M9QXD4HTR/report", _report, writeMark: null);

    [Benchmark(Description = "Argon2id of a code: CodeKeys.Derive")]
    public (string, byte[]) Derive() => _codeKeys.Derive(_digits);

    [Benchmark(Description = "per web report: FollowUpVault.IssueAsync (key, code, Argon2id, 3 uploads)")]
    public Task<string> Issue() => _vault.IssueAsync(_id, _report);

    [Benchmark(Description = "per look-up: FollowUpVault.OpenAsync (Argon2id, 1 read that finds nothing)")]
    public Task<FollowUpSession?> LookUp() => _vault.OpenAsync(_code);

    [GlobalCleanup]
    public void Cleanup()
    {
        _codeKeys.Dispose();
        _key.Dispose();
        _rsa.Dispose();
    }

    /// <summary>Accepts every write as <see cref="EnvelopeBenchmarks.AcceptingHandler"/> does; a read finds no blob (a wrong code's look-up, as much work as the right one's).</summary>
    private sealed class LookupHandler : DelegatingHandler
    {
        public LookupHandler()
            : base(new EnvelopeBenchmarks.AcceptingHandler())
        {
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method != HttpMethod.Get)
            {
                return base.SendAsync(request, cancellationToken);
            }

            var response = new HttpResponseMessage(System.Net.HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };
            response.Headers.Add("x-ms-error-code", "BlobNotFound");
            return Task.FromResult(response);
        }
    }
}
