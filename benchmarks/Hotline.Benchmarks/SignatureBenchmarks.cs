using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Hotline.Twilio;

namespace Hotline.Benchmarks;

[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Token = "benchmark-auth-token-0123456789ab";
    private const string Url = "https://hotline.example.org/api/sms";
    private readonly Dictionary<string, string> _form = new(StringComparer.Ordinal)
    {
        ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["ApiVersion"] = "2010-04-01",
        ["Body"] = "They took our passports and we work at the farm near the border without pay.",
        ["From"] = "+447700900123",
        ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
        ["NumMedia"] = "0",
        ["NumSegments"] = "1",
        ["SmsStatus"] = "received",
        ["To"] = "+447700900000",
    };

    private TwilioWebhookSignature _validator = null!;
    private byte[] _key = null!;
    private string _signature = null!;

    [GlobalSetup]
    public void Setup()
    {
        _validator = TwilioWebhookSignature.FromOptions(new TwilioOptions { AuthToken = Token })!;
        _key = Encoding.UTF8.GetBytes(Token);
        _signature = Convert.ToBase64String(Floor());
    }

    [Benchmark(Baseline = true, Description = "floor: one HMAC-SHA1 over URL + sorted names and values")]
    public byte[] Floor()
    {
        var data = new StringBuilder(Url);
        foreach (var (name, value) in _form.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio signs webhooks with HMAC-SHA1.
        return HMACSHA1.HashData(_key, Encoding.UTF8.GetBytes(data.ToString()));
#pragma warning restore CA5350
    }

    [Benchmark(Description = "signature check: TwilioWebhookSignature.IsValid")]
    public bool Check() => _validator.IsValid(Url, _form, _signature, null);
}
