using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Hotline.Functions.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Hosting;

/// <summary>
/// One executable, two hosts: started with the Functions host's switches it is the isolated worker (checked
/// as far as this machine allows: no Functions host runs here), started plainly it is standalone, and
/// contradictory switches stop it with one line.
/// </summary>
public sealed class HostingModeTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>What the Functions host passes its dotnet-isolated worker, pointed at a closed port.</summary>
    internal static string[] HostSwitches(int port) =>
    [
        "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--workerId", "w-test", "--requestId", "r-test", "--grpcMaxMessageLength", "2147483647",
        "--functions-uri", $"http://127.0.0.1:{port}/", "--functions-worker-id", "w-test", "--functions-request-id", "r-test", "--functions-grpc-max-message-length", "2147483647",
    ];

    [Fact]
    public async Task Executable_HostSwitchesAndVerify_BuildsTheWorkerHostAndActivatesEveryFunction()
    {
        var standalonePort = StartupTests.FreePort();
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{standalonePort}";

        var (exitCode, stdout, stderr) = await RunToExitAsync([.. HostSwitches(StartupTests.FreePort()), HostingMode.VerifyWorkerSwitch], environment);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("worker host built (GeneratedFunctionMetadataProvider); 19 functions", stdout, StringComparison.Ordinal);
        foreach (var function in new[] { "DispatchTriage", "DispatchTriagePoison", "DispatchDigest", "SweepUntriaged", "DeleteProviderCopy", "FetchMedia", "FetchMediaPoison", "EscalateAlert", "EscalateAlertPoison", "EscalateOverdue", "Health", "SmsInbound", "SmsStatus", "SubmitTip" })
        {
            Assert.Matches($"function {function} Hotline\\.Functions\\.[A-Za-z.]+\\.Run \\[(httpTrigger|queueTrigger|timerTrigger)\\] activated Hotline\\.Functions\\.", stdout);
        }

        Assert.Contains("function TipForm Hotline.Functions.TipForm.TipFormFunction.Run [httpTrigger] static", stdout, StringComparison.Ordinal);
        Assert.Contains("function TipFormHome Hotline.Functions.TipForm.TipFormFunction.Home [httpTrigger] static", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on queue", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("timer listener started", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr);
    }

    [Fact]
    public async Task Executable_HostSwitchesAndVerifyWithABadSetting_ExitsWithTheOneLine()
    {
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["Hotline__PhonePepper"] = "short";

        var (exitCode, _, stderr) = await RunToExitAsync([.. HostSwitches(StartupTests.FreePort()), HostingMode.VerifyWorkerSwitch], environment);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Hotline cannot start: Hotline__PhonePepper", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_HostSwitchesWithNoHostListening_NeverStartsTheStandaloneServer()
    {
        // Worker mode: the host owns HTTP and the triggers. With nobody at the host's address the worker
        // gives up, and in the meantime nothing answers on the standalone address and no listener polls.
        var standalonePort = StartupTests.FreePort();
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{standalonePort}";
        environment["AzureWebJobs__DispatchTriage__Disabled"] = "false";
        var stdout = new ConcurrentQueue<string>();
        using var process = StartupTests.StartExecutable(HostSwitches(StartupTests.FreePort()), environment, output: stdout);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var answered = false;
        while (!process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{standalonePort}/api/health"), Ct);
                answered = true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(200, Ct);
            }

            Assert.True(process.StartTime > DateTime.Now.AddSeconds(-60), "the worker should give up on an absent host");
        }

        Assert.False(answered, "the standalone server answered in worker mode");
        Assert.Equal(1, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Hotline (worker mode) could not reach the Functions host", line, StringComparison.Ordinal);
        Assert.DoesNotContain(stdout, l => l.Contains("Now listening", StringComparison.Ordinal) || l.Contains("listening on queue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Executable_StandaloneSwitch_ServesHealth()
    {
        var port = StartupTests.FreePort();
        using var process = StartupTests.StartExecutable([HostingMode.StandaloneSwitch, "--urls", $"http://127.0.0.1:{port}"], StartupTests.AppEnvironment(azurite.ConnectionString));
        try
        {
            await StartupTests.WaitForAnswerAsync(process, new Uri($"http://127.0.0.1:{port}/api/health"), HttpStatusCode.OK, "--standalone serves /api/health");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Executable_StandaloneSwitchAndHostSwitches_ExitsWithOneLine()
    {
        var (exitCode, _, stderr) = await RunToExitAsync([HostingMode.StandaloneSwitch, .. HostSwitches(StartupTests.FreePort())], StartupTests.AppEnvironment(azurite.ConnectionString));

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "Hotline cannot start: --standalone was given together with the Functions host's switches (--functions-*): start it standalone or as the host's worker, not both.",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Executable_WorkerDirectoryWithoutHostSwitches_ExitsWithOneLine()
    {
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["FUNCTIONS_WORKER_DIRECTORY"] = AppContext.BaseDirectory;

        var (exitCode, _, stderr) = await RunToExitAsync(["--urls", "http://127.0.0.1:0"], environment);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Hotline cannot start: FUNCTIONS_WORKER_DIRECTORY is set", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_VerifyWithoutHostSwitches_ExitsWithOneLine()
    {
        var (exitCode, _, stderr) = await RunToExitAsync([HostingMode.VerifyWorkerSwitch], StartupTests.AppEnvironment(azurite.ConnectionString));

        Assert.Equal(2, exitCode);
        Assert.StartsWith("Hotline cannot start: --verify-worker checks worker mode", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], null, "Standalone")]
    [InlineData(new[] { "--urls", "http://127.0.0.1:8080" }, null, "Standalone")]
    [InlineData(new[] { "--functions-uri", "http://127.0.0.1:5000/" }, null, "Worker")]
    [InlineData(new[] { "--functions-worker-id", "w" }, null, "Worker")]
    [InlineData(new string[0], "http://127.0.0.1:5000/", "Worker")]
    public void Detect_SwitchesAndEnvironment_PickTheHost(string[] args, string? hostEndpoint, string expected)
    {
        var mode = HostingMode.Detect(args, name => name == "Functions__Worker__HostEndpoint" ? hostEndpoint : null);

        Assert.Equal(expected, mode.Kind.ToString());
        Assert.Equal(args, mode.AppArgs);
    }

    [Fact]
    public void Detect_OwnSwitches_AreNotPassedOnToTheHost()
    {
        var mode = HostingMode.Detect(["--functions-uri", "http://127.0.0.1:5000/", HostingMode.VerifyWorkerSwitch], _ => null);

        Assert.True(mode.VerifyOnly);
        Assert.Equal(["--functions-uri", "http://127.0.0.1:5000/"], mode.AppArgs);
    }

    [Fact]
    public void QueueTriggerMessage_FromWorker_ReadsTheTriggersMetadata()
    {
        // The host sends queue trigger metadata as JSON text: strings quoted, numbers bare.
        var invocation = new WorkerInvocation("DispatchTriage", new ServiceCollection().BuildServiceProvider(), triggerMetadata: new Dictionary<string, object?>
        {
            ["Id"] = "\"c8f0d2de-6b4f-4d4e-9b37-0f5d3b1b7e1a\"",
            ["DequeueCount"] = "2",
            ["InsertionTime"] = "\"2026-11-23T10:00:00+00:00\"",
        });

        var message = QueueTriggerMessage.FromWorker("{\"tipId\":\"K7QF-2M9X-4TJD\"}", invocation);

        Assert.Equal("c8f0d2de-6b4f-4d4e-9b37-0f5d3b1b7e1a", message.Id);
        Assert.Equal(2, message.DequeueCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), message.InsertedOn);
        Assert.Equal("{\"tipId\":\"K7QF-2M9X-4TJD\"}", message.Body);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(string[] args, IDictionary<string, string?> environment)
    {
        var stdout = new ConcurrentQueue<string>();
        using var process = StartupTests.StartExecutable(args, environment, output: stdout);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
        process.WaitForExit();
        return (process.ExitCode, string.Join('\n', stdout), await stderr);
    }
}
