using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tests.Intake;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Tests.Hosting;

/// <summary>
/// What the Functions host gets: `dotnet publish` output (linux-x64, framework-dependent: Flex Consumption's
/// dotnet-isolated runtime brings .NET 10), checked for what the host loads, then started both ways it will
/// be: as the host launches its worker (with <c>--verify-worker</c>, since no host runs here) and standalone,
/// taken through a tip, its alert and an SMS (its own storage account: the listener reads the triage queue).
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class PublishTests(DedicatedAzurite azurite) : IClassFixture<DedicatedAzurite>
{
    private const string TwilioPublicBase = "https://hotline.example.org";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_WorkerApp_HasWhatTheHostLoadsAndRunsAsWorkerAndStandalone()
    {
        var work = Directory.CreateTempSubdirectory("hotline-publish-");
        try
        {
            var output = Path.Combine(work.FullName, "publish");
            await PublishAsync(output, Path.Combine(work.FullName, "artifacts"), TestContext.Current.CancellationToken);

            // The host reads worker.config.json to launch the worker, functions.metadata for the functions,
            // and loads the extensions (queue trigger) from .azurefunctions.
            using var workerConfig = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "worker.config.json"), Ct));
            var description = workerConfig.RootElement.GetProperty("description");
            Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
            Assert.Equal("dotnet", description.GetProperty("defaultExecutablePath").GetString());
            var worker = Path.Combine(output, description.GetProperty("defaultWorkerPath").GetString()!);
            Assert.True(File.Exists(worker), "worker.config.json names " + worker + ", which publish did not produce");
            foreach (var file in new[] { "host.json", "functions.metadata", "Hotline.Functions.runtimeconfig.json", Path.Combine(".azurefunctions", "Microsoft.Azure.WebJobs.Extensions.Storage.Queues.dll") })
            {
                Assert.True(File.Exists(Path.Combine(output, file)), file + " is not published");
            }

            // The custom handler is gone, and nothing that holds settings, keys or native symbols is deployed.
            Assert.Empty(Directory.GetFiles(output, "function.json", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "local.settings*.json", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "*.pem", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "*.dbg", SearchOption.AllDirectories));

            await VerifyAsTheHostLaunchesItAsync(worker, output);
            await RunStandaloneAsync(worker, output);
            await BadSettingsExitWithOneLineAsync(worker, output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>As the host starts a dotnet-isolated worker: `dotnet App.dll` and its switches, in the app folder, with the host's variables.</summary>
    private async Task VerifyAsTheHostLaunchesItAsync(string worker, string appRoot)
    {
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["FUNCTIONS_WORKER_DIRECTORY"] = appRoot;
        environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appRoot;
        environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        var start = StartInfo("dotnet", appRoot, environment);
        start.ArgumentList.Add(worker);
        foreach (var arg in HostingModeTests.HostSwitches(StartupTests.FreePort()))
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add(Hotline.Functions.Hosting.HostingMode.VerifyWorkerSwitch);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);

        Assert.True(process.ExitCode == 0, await stdout + await stderr);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(19, lines.Count(l => l.StartsWith("function ", StringComparison.Ordinal) && (l.Contains(" activated ", StringComparison.Ordinal) || l.EndsWith(" static", StringComparison.Ordinal))));
        Assert.DoesNotContain(lines, l => l.Contains("Now listening", StringComparison.Ordinal));
    }

    private static ProcessStartInfo StartInfo(string executable, string appRoot, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(executable) { WorkingDirectory = appRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("Hotline__", StringComparison.Ordinal) || k.StartsWith("Twilio__", StringComparison.Ordinal) || k.StartsWith("AzureWebJobs", StringComparison.Ordinal) || k.StartsWith("FUNCTIONS_", StringComparison.Ordinal) || k == "ASPNETCORE_URLS").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private async Task BadSettingsExitWithOneLineAsync(string worker, string appRoot)
    {
        var line = await StartupFailureLineAsync(worker, appRoot, StartupTests.AppEnvironment(storage: null));
        Assert.StartsWith("Hotline cannot start: AzureWebJobsStorage is not set", line, StringComparison.Ordinal);

        // A value the configuration binder cannot convert.
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["Hotline__RateLimit__PerMinute"] = "abc97q";
        line = await StartupFailureLineAsync(worker, appRoot, environment);
        Assert.Equal("Hotline cannot start: Hotline__RateLimit__PerMinute is not a whole number.", line);
    }

    private static async Task<string> StartupFailureLineAsync(string worker, string appRoot, IDictionary<string, string?> environment)
    {
        var start = StartInfo("dotnet", appRoot, environment);
        start.ArgumentList.Add(worker);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await stdout;

        Assert.Equal(2, process.ExitCode);
        return Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task RunStandaloneAsync(string worker, string appRoot)
    {
        var port = StartupTests.FreePort();
        await using var twilio = await TwilioStub.StartAsync();
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["AzureWebJobs__DispatchTriage__Disabled"] = "false";
        environment["Twilio__AccountSid"] = TwilioStub.AccountSid;
        environment["Twilio__AuthToken"] = TwilioStub.AuthToken;
        environment["Twilio__PhoneNumber"] = TwilioStub.FromNumber;
        environment["Twilio__WebhookBaseUrl"] = TwilioPublicBase;
        environment["Twilio__ApiBaseUrl"] = twilio.BaseAddress.ToString();
        environment["Responders__0__Name"] = "Night desk";
        environment["Responders__0__Phone"] = "+447700900201";
        environment["Responders__0__WebhookUrl"] = twilio.WebhookUrl("night-desk").ToString();
        var start = StartInfo("dotnet", appRoot, environment);
        start.ArgumentList.Add(worker);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await StartupTests.WaitForAnswerAsync(process, new Uri(http.BaseAddress, "/api/health"), HttpStatusCode.OK, "the published app should report healthy storage");

            // The form at the site root and at its own path.
            Assert.Contains("<form", await http.GetStringAsync(new Uri("/", UriKind.Relative), Ct), StringComparison.Ordinal);
            Assert.Contains("<form", await http.GetStringAsync(new Uri("/api/tips/form", UriKind.Relative), Ct), StringComparison.Ordinal);

            // No custom-handler invocation route is left.
            using (var invocation = new StringContent("""{"Data":{"message":"x"}}""", Encoding.UTF8, "application/json"))
            using (var response = await http.PostAsync(new Uri("/DispatchTriage", UriKind.Relative), invocation, Ct))
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }

            var tipId = await SubmitTipsAsync(http);

            // The listener took the triage message and paged the roster: an SMS through Twilio's library to
            // the stub and the webhook's JSON, both naming the case.
            await Eventually.TrueAsync(() => Task.FromResult(twilio.Sms.Any(r => r.SmsBody?.Contains(tipId, StringComparison.Ordinal) == true)), TimeSpan.FromSeconds(30), "the alert SMS for " + tipId);
            Assert.Contains(twilio.Sms, r => r.To == "+447700900201" && r.SmsBody!.Contains(tipId, StringComparison.Ordinal));
            await Eventually.TrueAsync(() => Task.FromResult(twilio.Webhooks.Any(w => w.Body.Contains(tipId, StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "the alert webhook for " + tipId);
            using (var alert = JsonDocument.Parse(twilio.Webhooks.First(w => w.Body.Contains(tipId, StringComparison.Ordinal)).Body))
            {
                Assert.Equal(tipId, alert.RootElement.GetProperty("receipt").GetString());
                Assert.Equal("urgent", alert.RootElement.GetProperty("urgency").GetString());
            }

            await ReceiveSmsAsync(http);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var logs = await stdout + await stderr;
            Assert.DoesNotContain("Unhandled exception", logs, StringComparison.Ordinal);
        }
    }

    /// <summary>A JSON tip and a form tip: stored encrypted (the private key reads them back); returns the JSON tip's id.</summary>
    private async Task<string> SubmitTipsAsync(HttpClient http)
    {
        var text = "They took our passports and locked us in " + Guid.NewGuid();
        using var json = new StringContent(JsonSerializer.Serialize(new { message = text, location = "Idlib", language = "en" }), Encoding.UTF8, "application/json");
        using var accepted = await http.PostAsync(new Uri("/api/tips", UriKind.Relative), json, Ct);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        using var receipt = JsonDocument.Parse(await accepted.Content.ReadAsStringAsync(Ct));
        var id = SubmitTipTests.ParseReceipt(receipt.RootElement.GetProperty("receipt").GetString());

        var report = await TestKeys.DecryptReportAsync(azurite.ConnectionString, ReportStore.ReportBlobName(id), Ct);
        Assert.Equal(text, report.Message);
        Assert.Equal("Idlib", report.Location);
        Assert.Equal(Urgency.Urgent, report.Urgency);

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "We work and are not paid " + Guid.NewGuid(), ["language"] = "en" });
        using var formAccepted = await http.PostAsync(new Uri("/api/tips", UriKind.Relative), form, Ct);
        Assert.Equal(HttpStatusCode.Accepted, formAccepted.StatusCode);
        Assert.Matches("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", await formAccepted.Content.ReadAsStringAsync(Ct));
        return id.ToString();
    }

    /// <summary>A Twilio-signed inbound SMS (signed by Twilio's helper library) is answered with TwiML naming the case.</summary>
    private static async Task ReceiveSmsAsync(HttpClient http)
    {
        var parameters = new Dictionary<string, string>
        {
            ["SmsMessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["NumMedia"] = "0",
            ["Body"] = "Help, they locked us in the farm",
            ["From"] = "+447" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["To"] = TwilioStub.FromNumber,
            ["AccountSid"] = TwilioStub.AccountSid,
            ["ApiVersion"] = "2010-04-01",
        };
        parameters["MessageSid"] = parameters["SmsMessageSid"];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(TwilioStub.AuthToken, TwilioPublicBase + "/api/sms", parameters));
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var reply = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).Root!.Element("Message")?.Value;
        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
    }

    private static Task<string> PublishAsync(string output, string artifacts, CancellationToken cancellationToken) =>
        ChildProcess.RunAsync("dotnet", ["publish", Path.Combine("src", "Hotline.Functions", "Hotline.Functions.csproj"), "-c", "Release", "-o", output, "--artifacts-path", artifacts, "--nologo"], TimeSpan.FromMinutes(5), cancellationToken);
}
