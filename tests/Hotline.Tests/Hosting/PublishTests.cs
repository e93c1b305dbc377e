using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Hosting;

/// <summary>
/// What the Functions host gets: `dotnet publish` output with host.json, the function folders and
/// a self-contained executable that host.json names, started the way the host starts it.
/// </summary>
public sealed class PublishTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Publish_SelfContainedExecutable_StartsUnderTheCustomHandlerContract()
    {
        var work = Directory.CreateTempSubdirectory("hotline-publish-");
        try
        {
            var output = Path.Combine(work.FullName, "publish");
            await PublishAsync(output, Path.Combine(work.FullName, "artifacts"), TestContext.Current.CancellationToken);

            using var hostJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "host.json"), TestContext.Current.CancellationToken));
            var executable = Path.Combine(output, hostJson.RootElement.GetProperty("customHandler").GetProperty("description").GetProperty("defaultExecutablePath").GetString()!);
            Assert.True(File.Exists(executable), "host.json names " + executable + ", which publish did not produce");
            if (!OperatingSystem.IsWindows())
            {
                Assert.True((File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) != 0, "the executable is not executable");
            }
            foreach (var function in new[] { "Health", "SubmitTip", "TipForm", "SmsInbound", "DispatchTriage", "DispatchTriagePoison" })
            {
                Assert.True(File.Exists(Path.Combine(output, function, "function.json")), function + "/function.json is not published");
            }

            // Self-contained single file: no framework-dependent app beside it, and nothing that holds settings or keys.
            Assert.False(File.Exists(Path.Combine(output, "Hotline.Functions.dll")), "publish should produce one self-contained file");
            Assert.Empty(Directory.GetFiles(output, "local.settings*.json", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "*.pem", SearchOption.AllDirectories));

            await RunAsTheFunctionsHostWouldAsync(executable, output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private async Task RunAsTheFunctionsHostWouldAsync(string executable, string appRoot)
    {
        var port = StartupTests.FreePort();
        var start = new ProcessStartInfo(executable) { WorkingDirectory = appRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("Hotline__", StringComparison.Ordinal) || k.StartsWith("Twilio__", StringComparison.Ordinal) || k.StartsWith("AzureWebJobs", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in StartupTests.AppEnvironment(azurite.ConnectionString))
        {
            start.Environment[key] = value;
        }

        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

            // The host's readiness probe: any answer on "/".
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        return (await http.GetAsync(new Uri("/", UriKind.Relative))).IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        Assert.False(process.HasExited, "the published executable exited early");
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "the published executable should answer the readiness probe on FUNCTIONS_CUSTOMHANDLER_PORT");

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

            // The invocation route answers in the host's response shape: a payload without Data.message fails the invocation.
            using var invocation = new StringContent("""{"Data":{},"Metadata":{"DequeueCount":"1"}}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/DispatchTriage", UriKind.Relative), invocation, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("Logs").ValueKind);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var logs = await stdout + await stderr;
            Assert.DoesNotContain("Unhandled exception", logs, StringComparison.Ordinal);
        }
    }

    private static async Task PublishAsync(string output, string artifacts, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in new[] { "publish", Path.Combine("src", "Hotline.Functions", "Hotline.Functions.csproj"), "-c", "Release", "-o", output, "--artifacts-path", artifacts, "--nologo" })
        {
            start.ArgumentList.Add(arg);
        }

        // The test runner's own MSBuild settings must not steer a nested build.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("MSBUILD", StringComparison.Ordinal) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
        Assert.True(process.ExitCode == 0, "dotnet publish failed:\n" + await stdout + await stderr);
    }
}
