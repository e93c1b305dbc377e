using System.Diagnostics;
using System.Text.Json;

namespace Hotline.Tests.Infrastructure;

/// <summary>Signs webhook requests with Twilio's official helper library (npm <c>twilio</c>, pinned in package.json).</summary>
public static class TwilioNode
{
    private const string Script = """
        const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
        process.stdout.write(require('twilio').getExpectedTwilioSignature(input.token, input.url, input.params));
        """;

    public static async Task<string> SignAsync(string authToken, string url, IReadOnlyDictionary<string, string> parameters)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = RepoPaths.Root, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-e");
        start.ArgumentList.Add(Script);
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(new { token = authToken, url, @params = parameters }));
        process.StandardInput.Close();
        var signature = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || signature.Length == 0)
        {
            throw new InvalidOperationException("The twilio npm package could not sign (run npm ci): " + error);
        }

        return signature;
    }
}
