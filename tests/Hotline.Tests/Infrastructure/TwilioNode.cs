using System.Diagnostics;
using System.Text.Json;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// Twilio's official helper library (npm <c>twilio</c>, pinned in package.json) as the reference our
/// signature check is proven against: it signs test requests and judges signatures.
/// </summary>
public static class TwilioNode
{
    private const string SignScript = """
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        process.stdout.write(require('twilio').getExpectedTwilioSignature(input.token, input.url, input.params, input.algorithm));
        """;

    private const string SignAllScript = """
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        const twilio = require('twilio');
        process.stdout.write(JSON.stringify(input.requests.map(p => twilio.getExpectedTwilioSignature(input.token, input.url, p))));
        """;

    private const string ValidateScript = """
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        process.stdout.write(String(require('twilio').validateRequest(input.token, input.signature, input.url, input.params, input.algorithm)));
        """;

    /// <summary><c>HMAC_SHA1</c> (the auth token's signature, the default) or <c>HMAC_SHA256</c> (a SharedKey's).</summary>
    public const string HmacSha1 = "HMAC_SHA1";

    public const string HmacSha256 = "HMAC_SHA256";

    public static Task<string> SignAsync(string secret, string url, IReadOnlyDictionary<string, string> parameters, string algorithm = HmacSha1) =>
        SignAsync(secret, url, (IEnumerable<KeyValuePair<string, string>>)parameters, algorithm);

    /// <summary>Signs as Twilio does; a repeated name is handed over as an array, as a body parser would.</summary>
    public static Task<string> SignAsync(string secret, string url, IEnumerable<KeyValuePair<string, string>> parameters, string algorithm = HmacSha1) =>
        RunAsync(SignScript, new Dictionary<string, object> { ["token"] = secret, ["url"] = url, ["params"] = AsNodeParams(parameters), ["algorithm"] = algorithm });

    /// <summary>Signs many requests for one URL in one run of the library (a corpus would otherwise start Node once per request).</summary>
    public static async Task<IReadOnlyList<string>> SignAllAsync(string secret, string url, IEnumerable<IReadOnlyDictionary<string, string>> requests) =>
        JsonSerializer.Deserialize<List<string>>(await RunAsync(SignAllScript, new Dictionary<string, object> { ["token"] = secret, ["url"] = url, ["requests"] = requests.ToList() }))!;

    /// <summary>Twilio's own <c>validateRequest</c>: whether it accepts the signature for that URL.</summary>
    public static async Task<bool> ValidateAsync(string secret, string signature, string url, IEnumerable<KeyValuePair<string, string>> parameters, string algorithm = HmacSha1) =>
        await RunAsync(ValidateScript, new Dictionary<string, object> { ["token"] = secret, ["signature"] = signature, ["url"] = url, ["params"] = AsNodeParams(parameters), ["algorithm"] = algorithm }) == "true";

    private static Dictionary<string, object> AsNodeParams(IEnumerable<KeyValuePair<string, string>> parameters) =>
        parameters.GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            g => g.Key,
            g => g.Count() == 1 ? (object)g.Single().Value : g.Select(p => p.Value).ToArray(),
            StringComparer.Ordinal);

    private static async Task<string> RunAsync(string script, Dictionary<string, object> input)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(input));
        process.StandardInput.Close();
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException("The twilio npm package did not answer (run npm ci): " + error);
        }

        return output;
    }
}
