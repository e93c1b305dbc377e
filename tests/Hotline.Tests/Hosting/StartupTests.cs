using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Hosting;

public sealed class StartupTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Start_NoStorageSetting_FailsNamingAzureWebJobsStorage()
    {
        var app = TestApp.Build(new Dictionary<string, string?>(), new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("AzureWebJobsStorage", ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Start_MalformedQueueSetting_FailsNamingIt()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "0";
        var app = TestApp.Build(settings, new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("MaxDequeueCount", ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Start_MessageLeaseUnderTheHostSection_FailsNamingItsOwnSetting()
    {
        // The host has no messageLease: the listener's lease is Hotline's own setting, and one left where it
        // used to be is refused rather than silently ignored.
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["AzureFunctionsJobHost:extensions:queues:messageLease"] = "00:00:30";
        var app = TestApp.Build(settings, new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("set Hotline__Queues__MessageLease instead", ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Start_MessageLeaseOutOfRange_FailsNamingHotlineQueuesMessageLease()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:Queues:MessageLease"] = "00:00:00";
        var app = TestApp.Build(settings, new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Hotline__Queues__MessageLease must be between", ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Executable_Standalone_ServesHealthOnUrlsAndStopsCleanly()
    {
        var port = FreePort();
        using var process = StartExecutable(
            ["--urls", $"http://127.0.0.1:{port}"],
            AppEnvironment(azurite.ConnectionString));
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        return (await http.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "the standalone executable should answer /api/health with 200");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Executable_MissingSetting_ExitsWithOneLineNamingIt()
    {
        var (line, stdout) = await StartupFailureWithOutputAsync(AppEnvironment(storage: null));

        Assert.StartsWith("Hotline cannot start: AzureWebJobsStorage is not set", line, StringComparison.Ordinal);

        // The line alone: not the host's "Hosting failed to start" with a stack trace above it.
        Assert.DoesNotContain("Hosting failed to start", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Hotline__RateLimit__GlobalPerMinute", "300", "Hotline cannot start: Hotline__RateLimit__GlobalPerMinute is a cost ceiling, not a budget: 0 (off) or at least 600 (ten networks' budgets), so that real tipsters are not refused because others flood.")]
    [InlineData("Hotline__Retention__ClosedDays", "0", "Hotline cannot start: Hotline__Retention__ClosedDays must be a whole number of days from 1 to 36500.")]
    [InlineData("Hotline__Retention__MaxDays", "30", "Hotline cannot start: Hotline__Retention__MaxDays must be at least ClosedDays and InactiveDays: no case outlives it.")]
    public async Task Executable_SettingOutOfRange_ExitsWithItsOneLine(string variable, string value, string expected)
    {
        var environment = AppEnvironment(azurite.ConnectionString);
        environment[variable] = value;

        Assert.Equal(expected, await StartupFailureAsync(environment));
    }

    [Fact]
    public async Task Executable_PrivateKeyGivenAsThePublicKey_ExitsWithOneLineAndNeverStarts()
    {
        // Hardening 12: the intake must never hold the key that reads the reports, even by mistake.
        var environment = AppEnvironment(azurite.ConnectionString);
        environment["Hotline__PublicKeyPem"] = TestKeys.PrivateKeyPem;
        var (line, stdout) = await StartupFailureWithOutputAsync(environment);

        Assert.Equal("Hotline cannot start: Hotline__PublicKeyPem: it holds a private key; the intake app must be given only the public key ('hotline keys public' writes it from the private one).", line);
        Assert.DoesNotContain("PRIVATE KEY", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_PublicKeyFileMissing_ExitsNamingTheSetting()
    {
        var environment = AppEnvironment(azurite.ConnectionString);
        environment["Hotline__PublicKeyPem"] = null;
        environment["Hotline__PublicKeyPath"] = "/nonexistent/hotline-public.pem";
        var line = await StartupFailureAsync(environment);

        Assert.StartsWith("Hotline cannot start: Hotline__PublicKeyPath: no file at", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_KeyVaultUnreachable_ExitsNamingTheSetting()
    {
        var environment = AppEnvironment(azurite.ConnectionString);
        environment["Hotline__PhonePepper"] = null;
        environment["Hotline__KeyVaultUri"] = "https://127.0.0.1:1/";
        var line = await StartupFailureAsync(environment, TimeSpan.FromSeconds(60));

        Assert.StartsWith("Hotline cannot start: Hotline__KeyVaultUri: the secrets could not be read (RequestFailedException)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_SeveralBadSettings_NamesThemAllOnOneLine()
    {
        var environment = AppEnvironment(azurite.ConnectionString);
        environment["Hotline__PhonePepper"] = "short";
        environment["Responders__0__Name"] = "Amina";
        environment["Responders__0__Phone"] = "0770 0900";
        var line = await StartupFailureAsync(environment);

        Assert.Contains("Hotline__PhonePepper", line, StringComparison.Ordinal);
        Assert.Contains("Responders__0__Phone", line, StringComparison.Ordinal);
        Assert.DoesNotContain("0770 0900", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executable_PartialTwilioSettings_NamesEachFailureOnce()
    {
        var environment = AppEnvironment(azurite.ConnectionString);
        environment["Twilio__AccountSid"] = "AC" + new string('0', 32);
        var line = await StartupFailureAsync(environment);

        var first = line.IndexOf("Twilio__AuthToken", StringComparison.Ordinal);
        Assert.True(first >= 0, line);
        Assert.Equal(-1, line.IndexOf("Twilio__AuthToken", first + 1, StringComparison.Ordinal));
    }

    [Theory]
    // Values a secret could be: distinctive, so finding one in the output means the value was printed.
    [InlineData("Hotline__RateLimit__PerMinute", "abc97q", "abc97q", "Hotline__RateLimit__PerMinute")]
    [InlineData("AzureFunctionsJobHost__extensions__queues__visibilityTimeout", "abc97q", "abc97q", "AzureFunctionsJobHost__extensions__queues__VisibilityTimeout")]
    [InlineData("AzureFunctionsJobHost__extensions__queues__messageEncoding", "utf97q", "utf97q", "AzureFunctionsJobHost__extensions__queues__MessageEncoding")]
    [InlineData("Hotline__ConversationWindow", "x97q", "x97q", "Hotline__ConversationWindow")]
    [InlineData("AzureWebJobsStorage", "AccountName=foo97q", "foo97q", "AzureWebJobsStorage")]
    [InlineData("AzureWebJobs__DispatchTriagePoison__Disabled", "yes97q", "yes97q", "AzureWebJobs__DispatchTriagePoison__Disabled")]
    public async Task Executable_MalformedValue_ExitsWithOneLineNamingTheSettingNeverItsValue(string variable, string value, string secretPart, string named)
    {
        var environment = AppEnvironment(azurite.ConnectionString);
        environment[variable] = value;

        var (line, stdout) = await StartupFailureWithOutputAsync(environment);

        Assert.StartsWith("Hotline cannot start: " + named + " ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(secretPart, line, StringComparison.Ordinal);
        Assert.DoesNotContain(secretPart, stdout, StringComparison.Ordinal);
    }

    /// <summary>Starts the executable, which must stop at once with exit code 2 and one line on stderr; returns that line.</summary>
    private static async Task<string> StartupFailureAsync(IDictionary<string, string?> environment, TimeSpan? patience = null) =>
        (await StartupFailureWithOutputAsync(environment, patience)).Line;

    /// <summary>As <see cref="StartupFailureAsync"/>, with what the app logged on stdout (its console log) until it stopped.</summary>
    private static async Task<(string Line, string Stdout)> StartupFailureWithOutputAsync(IDictionary<string, string?> environment, TimeSpan? patience = null)
    {
        var stdout = new ConcurrentQueue<string>();
        using var process = StartExecutable(["--urls", "http://127.0.0.1:0"], environment, output: stdout);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(patience ?? TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        return (Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries)), string.Join('\n', stdout));
    }

    /// <summary>Starts the executable on a free port, asserts it comes to answer /api/health with 200, and stops it.</summary>
    internal static async Task AssertStartsHealthyAsync(IDictionary<string, string?> environment, string because, string? workingDirectory = null, bool urlFromEnvironment = false)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        if (urlFromEnvironment)
        {
            environment["ASPNETCORE_URLS"] = url;
        }

        using var process = StartExecutable(urlFromEnvironment ? [] : ["--urls", url], environment, workingDirectory);
        try
        {
            await WaitForAnswerAsync(process, new Uri(url + "/api/health"), HttpStatusCode.OK, because);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>Polls <paramref name="url"/> until it answers with <paramref name="expected"/>; fails at once if the app exits.</summary>
    internal static async Task WaitForAnswerAsync(Process process, Uri url, HttpStatusCode expected, string because)
    {
        using var http = new HttpClient();
        await Eventually.TrueAsync(
            async () =>
            {
                Assert.False(process.HasExited, "the app exited (code " + (process.HasExited ? process.ExitCode : 0) + ") before " + because);
                try
                {
                    using var response = await http.GetAsync(url);
                    return response.StatusCode == expected;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(30),
            because);
    }

    /// <summary>A complete environment for the executable (as env vars, the way operators set them).</summary>
    internal static Dictionary<string, string?> AppEnvironment(string? storage) => new()
    {
        ["AzureWebJobsStorage"] = storage,
        ["Hotline__PublicKeyPem"] = TestKeys.PublicKeyPem,
        ["Hotline__PhonePepper"] = TestKeys.PhonePepper,

        // The shared Azurite's triage queue belongs to the intake tests: this process must not drain it.
        ["AzureWebJobs__DispatchTriage__Disabled"] = "true",
        ["AzureWebJobs__DispatchTriagePoison__Disabled"] = "true",
        ["AzureWebJobs__DispatchDigest__Disabled"] = "true",
        ["AzureWebJobs__SweepUntriaged__Disabled"] = "true",
        ["AzureWebJobs__DeleteProviderCopy__Disabled"] = "true",
        ["AzureWebJobs__FetchMedia__Disabled"] = "true",
        ["AzureWebJobs__FetchMediaPoison__Disabled"] = "true",
    };

    /// <summary>
    /// Starts the built app as operators do (<c>dotnet Hotline.Functions.dll</c>) in <paramref name="workingDirectory"/>
    /// (default: a new empty folder, so no local.settings.json); its stdout lines go to <paramref name="output"/> if given.
    /// </summary>
    internal static Process StartExecutable(string[] args, IDictionary<string, string?> environment, string? workingDirectory = null, ConcurrentQueue<string>? output = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Directory.CreateTempSubdirectory("hotline-app-").FullName,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hotline.Functions.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Start from a clean slate: a developer's own settings must not leak into the test.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Hotline__", StringComparison.Ordinal) || k.StartsWith("Twilio__", StringComparison.Ordinal) || k.StartsWith("AzureWebJobs", StringComparison.Ordinal) || k is "FUNCTIONS_WORKER_DIRECTORY" or "Functions__Worker__HostEndpoint" or "ASPNETCORE_URLS").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        if (output is null)
        {
            // Drain stdout so the app never blocks on a full pipe.
            _ = process.StandardOutput.ReadToEndAsync();
            return process;
        }

        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        return process;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
