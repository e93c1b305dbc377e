using System.Diagnostics;
using System.Text.Json;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Twilio's official helper library (npm <c>twilio</c>, pinned in package.json) as the reference our
/// signature check is proven against: it signs test requests and judges signatures. One Node process for the
/// whole run answers every call (a line of JSON in, a line out): loading the library costs about half a second of
/// CPU, which a process per call paid again each time. It exits when the test process closes its stdin.
/// </summary>
public static class TwilioNode
{
    private const string Script = """
        const twilio = require('twilio');
        const lines = require('readline').createInterface({ input: process.stdin });
        lines.on('line', line => {
          const input = JSON.parse(line);
          let result;
          try {
            result = input.op === 'sign' ? twilio.getExpectedTwilioSignature(input.token, input.url, input.params, input.algorithm)
              : input.op === 'signAll' ? input.requests.map(p => twilio.getExpectedTwilioSignature(input.token, input.url, p))
              : twilio.validateRequest(input.token, input.signature, input.url, input.params, input.algorithm);
            process.stdout.write(JSON.stringify({ result }) + '\n');
          } catch (e) {
            process.stdout.write(JSON.stringify({ error: String(e) }) + '\n');
          }
        });
        lines.on('close', () => process.exit(0));
        """;

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Process? _node;

    /// <summary><c>HMAC_SHA1</c> (the auth token's signature, the default) or <c>HMAC_SHA256</c> (a SharedKey's).</summary>
    public const string HmacSha1 = "HMAC_SHA1";

    public const string HmacSha256 = "HMAC_SHA256";

    public static Task<string> SignAsync(string secret, string url, IReadOnlyDictionary<string, string> parameters, string algorithm = HmacSha1) =>
        SignAsync(secret, url, (IEnumerable<KeyValuePair<string, string>>)parameters, algorithm);

    /// <summary>Signs as Twilio does; a repeated name is handed over as an array, as a body parser would.</summary>
    public static async Task<string> SignAsync(string secret, string url, IEnumerable<KeyValuePair<string, string>> parameters, string algorithm = HmacSha1) =>
        (await AskAsync(new Dictionary<string, object> { ["op"] = "sign", ["token"] = secret, ["url"] = url, ["params"] = AsNodeParams(parameters), ["algorithm"] = algorithm })).GetString()!;

    /// <summary>Signs many requests for one URL in one call of the library.</summary>
    public static async Task<IReadOnlyList<string>> SignAllAsync(string secret, string url, IEnumerable<IReadOnlyDictionary<string, string>> requests) =>
        (await AskAsync(new Dictionary<string, object> { ["op"] = "signAll", ["token"] = secret, ["url"] = url, ["requests"] = requests.ToList() })).Deserialize<List<string>>()!;

    /// <summary>Twilio's own <c>validateRequest</c>: whether it accepts the signature for that URL.</summary>
    public static async Task<bool> ValidateAsync(string secret, string signature, string url, IEnumerable<KeyValuePair<string, string>> parameters, string algorithm = HmacSha1) =>
        (await AskAsync(new Dictionary<string, object> { ["op"] = "validate", ["token"] = secret, ["signature"] = signature, ["url"] = url, ["params"] = AsNodeParams(parameters), ["algorithm"] = algorithm })).GetBoolean();

    private static Dictionary<string, object> AsNodeParams(IEnumerable<KeyValuePair<string, string>> parameters) =>
        parameters.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.Count() == 1 ? (object)g.Single().Value : g.Select(p => p.Value).ToArray(),
            StringComparer.Ordinal);

    private static async Task<JsonElement> AskAsync(Dictionary<string, object> input)
    {
        await Gate.WaitAsync();
        try
        {
            var node = _node is { HasExited: false } ? _node : _node = Start();
            await node.StandardInput.WriteLineAsync(JsonSerializer.Serialize(input));
            await node.StandardInput.FlushAsync();
            var line = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (line is null)
            {
                _node = null;
                throw new InvalidOperationException("The twilio npm package did not answer (run npm ci): " + await node.StandardError.ReadToEndAsync());
            }

            var answer = JsonDocument.Parse(line).RootElement;
            return answer.TryGetProperty("result", out var result)
                ? result.Clone()
                : throw new InvalidOperationException("The twilio npm package failed: " + answer.GetProperty("error").GetString());
        }
        finally
        {
            Gate.Release();
        }
    }

    private static Process Start()
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        return Process.Start(start)!;
    }
}
