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
        process.stdout.write(require('twilio').getExpectedTwilioSignature(input.token, input.url, input.params));
        """;

    private const string ValidateScript = """
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        process.stdout.write(String(require('twilio').validateRequest(input.token, input.signature, input.url, input.params)));
        """;

    public static Task<string> SignAsync(string authToken, string url, IReadOnlyDictionary<string, string> parameters) =>
        SignAsync(authToken, url, (IEnumerable<KeyValuePair<string, string>>)parameters);

    /// <summary>Signs as Twilio does; a repeated name is handed over as an array, as a body parser would.</summary>
    public static Task<string> SignAsync(string authToken, string url, IEnumerable<KeyValuePair<string, string>> parameters) =>
        RunAsync(SignScript, new Dictionary<string, object> { ["token"] = authToken, ["url"] = url, ["params"] = AsNodeParams(parameters) });

    /// <summary>Twilio's own <c>validateRequest</c>: whether it accepts the signature for that URL.</summary>
    public static async Task<bool> ValidateAsync(string authToken, string signature, string url, IEnumerable<KeyValuePair<string, string>> parameters) =>
        await RunAsync(ValidateScript, new Dictionary<string, object> { ["token"] = authToken, ["signature"] = signature, ["url"] = url, ["params"] = AsNodeParams(parameters) }) == "true";

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
