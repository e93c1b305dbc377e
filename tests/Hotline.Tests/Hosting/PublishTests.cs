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
/// What the Functions host gets: `dotnet publish` output with host.json, the function folders and
/// the Native AOT executable that host.json names, started the way the host starts it and taken
/// through a tip, its triage invocation and an SMS (its own Azurite: it reads the triage queue).
/// </summary>
public sealed class PublishTests(OwnAzurite azurite) : IClassFixture<OwnAzurite>
{
    private const string TwilioPublicBase = "https://hotline.example.org";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_NativeExecutable_StartsUnderTheCustomHandlerContract()
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

            // Native AOT: one executable, no framework-dependent app or symbols beside it, and nothing that holds settings or keys.
            Assert.False(File.Exists(Path.Combine(output, "Hotline.Functions.dll")), "publish should produce one self-contained file");
            Assert.Empty(Directory.GetFiles(output, "*.dll", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "*.pdb", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "*.dbg", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "local.settings*.json", SearchOption.AllDirectories));
            Assert.Empty(Directory.GetFiles(output, "*.pem", SearchOption.AllDirectories));

            await RunAsTheFunctionsHostWouldAsync(executable, output);
            await BadSettingsExitWithOneLineAsync(executable, output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static ProcessStartInfo StartInfo(string executable, string appRoot, IDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(executable) { WorkingDirectory = appRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) || k.StartsWith("Hotline__", StringComparison.Ordinal) || k.StartsWith("Twilio__", StringComparison.Ordinal) || k.StartsWith("AzureWebJobs", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private async Task BadSettingsExitWithOneLineAsync(string executable, string appRoot)
    {
        var line = await StartupFailureLineAsync(executable, appRoot, StartupTests.AppEnvironment(storage: null));
        Assert.StartsWith("Hotline cannot start: AzureWebJobsStorage is not set", line, StringComparison.Ordinal);

        // A value the configuration binder cannot convert (the path Native AOT takes through the generated binder).
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["Hotline__RateLimit__PerMinute"] = "abc97q";
        line = await StartupFailureLineAsync(executable, appRoot, environment);
        Assert.Equal("Hotline cannot start: Hotline__RateLimit__PerMinute is not a whole number.", line);
    }

    private static async Task<string> StartupFailureLineAsync(string executable, string appRoot, IDictionary<string, string?> environment)
    {
        using var process = Process.Start(StartInfo(executable, appRoot, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await stdout;

        Assert.Equal(2, process.ExitCode);
        return Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private async Task RunAsTheFunctionsHostWouldAsync(string executable, string appRoot)
    {
        var port = StartupTests.FreePort();
        await using var twilio = await TwilioStub.StartAsync();
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["Twilio__AccountSid"] = TwilioStub.AccountSid;
        environment["Twilio__AuthToken"] = TwilioStub.AuthToken;
        environment["Twilio__PhoneNumber"] = TwilioStub.FromNumber;
        environment["Twilio__WebhookBaseUrl"] = TwilioPublicBase;
        environment["Twilio__ApiBaseUrl"] = twilio.BaseAddress.ToString();
        environment["Responders__0__Name"] = "Night desk";
        environment["Responders__0__Phone"] = "+447700900201";
        environment["Responders__0__WebhookUrl"] = twilio.WebhookUrl("night-desk").ToString();
        var start = StartInfo(executable, appRoot, environment);
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
                    catch (HttpRequestException) when (!process.HasExited)
                    {
                        return false;
                    }
                    catch (HttpRequestException)
                    {
                        Assert.Fail("the published executable exited early: " + await stderr);
                        return false;
                    }
                },
                TimeSpan.FromSeconds(30),
                "the published executable should answer the readiness probe on FUNCTIONS_CUSTOMHANDLER_PORT");

            // Storage is set up in the background once the app answers: health turns 200 when it is.
            await Eventually.TrueAsync(
                async () => (await http.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30),
                "the published executable should report healthy storage");

            // The invocation route answers in the host's response shape: a payload without Data.message fails the invocation.
            using var invocation = new StringContent("""{"Data":{},"Metadata":{"DequeueCount":"1"}}""", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("/DispatchTriage", UriKind.Relative), invocation, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("Logs").ValueKind);

            var tipId = await SubmitTipAndInvokeItsTriageAsync(http);

            // The triage invocation paged the roster: an SMS through Twilio and the webhook's JSON, both naming the case.
            Assert.Contains(twilio.Sms, r => r.To == "+447700900201" && r.SmsBody!.Contains(tipId, StringComparison.Ordinal));
            var webhook = Assert.Single(twilio.Webhooks);
            using (var alert = JsonDocument.Parse(webhook.Body))
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

    /// <summary>A JSON tip and a form tip: stored encrypted (the private key reads them back) and queued; the host then invokes DispatchTriage.</summary>
    private async Task<string> SubmitTipAndInvokeItsTriageAsync(HttpClient http)
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

        var queued = await azurite.DrainAsync("triage", Ct);
        Assert.Equal(2, queued.Count);
        var message = queued.Select(m => m.Body.ToString()).Single(m => TriageMessage.Parse(m).TipId == id.ToString());

        // What the Functions host posts for a queue message: the JSON as a string, JSON-encoded once more.
        var payload = JsonSerializer.Serialize(new { Data = new { message = JsonSerializer.Serialize(message) }, Metadata = new { DequeueCount = 1, Id = JsonSerializer.Serialize(Guid.NewGuid().ToString()) } });
        using var invocation = new StringContent(payload, Encoding.UTF8, "application/json");
        using var invoked = await http.PostAsync(new Uri("/DispatchTriage", UriKind.Relative), invocation, Ct);
        Assert.Equal(HttpStatusCode.OK, invoked.StatusCode);
        using var answer = JsonDocument.Parse(await invoked.Content.ReadAsStringAsync(Ct));
        Assert.Equal(JsonValueKind.Object, answer.RootElement.GetProperty("Outputs").ValueKind);
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
        request.Headers.Add("X-Twilio-Signature", await TwilioNode.SignAsync(TwilioStub.AuthToken, TwilioPublicBase + "/api/sms", parameters));
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var reply = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).Root!.Element("Message")?.Value;
        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
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
