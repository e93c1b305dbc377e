using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Hosting;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Reliability;

/// <summary>
/// Issue 29: an escalation survives the host. The built executable (standalone, dispatch and escalation running) is
/// killed with SIGKILL between steps, once restarted at once and once kept down until the next step is due, on the
/// same storage: the steps carry on from the queue's delayed messages, each sent once, never early.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class EscalationCrashTests(OwnAzurite storage) : IClassFixture<OwnAzurite>
{
    private const string Amina = "+447700900611";
    private const string Bilal = "+447700900612";
    private const string Chloe = "+447700900613";
    private static readonly TimeSpan AckWithin = TimeSpan.FromSeconds(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Escalation_AppKilledBetweenAndDuringSteps_ResumesAndSendsEachStepOnce()
    {
        await using var twilio = await TwilioStub.StartAsync();
        var port = StartupTests.FreePort();
        var logs = new ConcurrentQueue<string>();
        var environment = Environment(twilio);
        var app = await StartAsync(environment, port, logs);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            using var response = await http.PostAsJsonAsync("/api/tips", new { message = "They locked us in the container, help now " + Guid.NewGuid(), language = "en" }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString()!;

            await Eventually.TrueAsync(() => Task.FromResult(Sent(twilio, "HOTLINE ALERT").Count == 2), TimeSpan.FromSeconds(30), "the first page");

            // Killed once step 1 is recorded and step 2 waits on the queue, invisible: between two steps.
            await Eventually.TrueAsync(() => Task.FromResult(logs.Any(l => l.Contains("escalation step 1 recorded", StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "step 1 recorded");
            app = await RestartAsync(app, environment, port, logs);

            // Killed again once step 2 is recorded, and kept down until step 3 is due (its message visible on the
            // queue): the new process takes it and sends it once.
            await Eventually.TrueAsync(() => Task.FromResult(logs.Any(l => l.Contains("escalation step 2 recorded", StringComparison.Ordinal))), TimeSpan.FromSeconds(60), "step 2 recorded");
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(Ct);
            await Eventually.TrueAsync(async () => (await storage.Queue("escalation").PeekMessagesAsync(1, Ct)).Value.Length == 1, TimeSpan.FromSeconds(30), "step 3 due while the app is down");
            Assert.Empty(Sent(twilio, "HOTLINE: NOT ACKNOWLEDGED (3/3)"));
            app = await StartAsync(environment, port, logs);

            await Eventually.TrueAsync(() => Task.FromResult(Sent(twilio, "HOTLINE: NOT ACKNOWLEDGED (3/3)").Count == 3), TimeSpan.FromSeconds(60), "step 3 sent");

            // Over: nothing is queued for it any more (visible or not) and no escalation is open.
            await Eventually.TrueAsync(async () => await QueueEmptyAsync("escalation") && !await AnyOpenAsync(), TimeSpan.FromSeconds(60), "the escalation closed");

            var takeovers = logs.Count(l => l.Contains("taking it over", StringComparison.Ordinal));
            var summary = string.Join("; ", twilio.Sms.Where(r => r.Delivered).Select(r => $"{r.At.TotalSeconds:F1}s {r.To} {r.SmsBody!.Split('\n')[0]}"));
            Assert.True(takeovers == 0, "a kill cut a send between Twilio's answer and the ledger: " + summary);
            Assert.Equal([Amina, Bilal], Sent(twilio, "HOTLINE ALERT").Select(r => r.To).Order());
            var step1 = Sent(twilio, "HOTLINE: NOT ACKNOWLEDGED (1/3)");
            var step2 = Sent(twilio, "HOTLINE: NOT ACKNOWLEDGED (2/3)");
            var step3 = Sent(twilio, "HOTLINE: NOT ACKNOWLEDGED (3/3)");
            Assert.True(step1.Select(r => r.To).Order().SequenceEqual([Amina, Bilal]), summary);
            Assert.True(step2.Select(r => r.To).SequenceEqual([Chloe]), summary);
            Assert.True(step3.Select(r => r.To).Order().SequenceEqual([Amina, Bilal, Chloe]), summary);
            Assert.Equal(8, twilio.Sms.Count(r => r.Delivered));
            Assert.All(twilio.Sms.Where(r => r.Delivered), r => Assert.Contains(receipt, r.SmsBody, StringComparison.Ordinal));

            // Never early, whatever the restarts did: each step at least AckWithin after the one before began (the stub's
            // clock). A step is due AckWithin after the page before it went out; its own sends are paced one a second, so
            // its last send can come later than the next step's due time minus AckWithin.
            var slack = TimeSpan.FromMilliseconds(300);
            Assert.True(step1.Min(r => r.At) - Sent(twilio, "HOTLINE ALERT").Min(r => r.At) >= AckWithin - slack, summary);
            Assert.True(step2.Min(r => r.At) - step1.Min(r => r.At) >= AckWithin - slack, summary);
            Assert.True(step3.Min(r => r.At) - step2.Min(r => r.At) >= AckWithin - slack, summary);
            TestContext.Current.SendDiagnosticMessage("Escalation crash test: " + summary);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(Ct);
        }
    }

    private static List<StubRequest> Sent(TwilioStub twilio, string title) =>
        twilio.Sms.Where(r => r.Delivered && r.SmsBody!.StartsWith(title, StringComparison.Ordinal)).ToList();

    private async Task<bool> QueueEmptyAsync(string name) =>
        (await storage.Queue(name).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0;

    private async Task<bool> AnyOpenAsync()
    {
        var alerts = new BlobContainerClient(storage.ConnectionString, "alerts");
        await foreach (var _ in alerts.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "escalating/", Ct))
        {
            return true;
        }

        return false;
    }

    private Dictionary<string, string?> Environment(TwilioStub twilio)
    {
        var environment = StartupTests.AppEnvironment(storage.ConnectionString);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AzureWebJobs__DispatchTriage__Disabled"] = "false",
            ["AzureWebJobs__DispatchTriagePoison__Disabled"] = "false",
            ["AzureWebJobs__EscalateAlert__Disabled"] = "false",
            ["AzureWebJobs__EscalateAlertPoison__Disabled"] = "false",
            ["AzureWebJobs__EscalateOverdue__Disabled"] = "false",
            ["Hotline__Escalation__AckWithin"] = "00:00:03",
            ["Hotline__Dispatch__DigestAfter"] = "0",
            // A message a kill left leased comes back this soon (the host's lease is longer; the behaviour is the same).
            ["Hotline__Queues__MessageLease"] = "00:00:05",
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.500",
            ["Responders__0__Name"] = "Amina",
            ["Responders__0__Phone"] = Amina,
            ["Responders__1__Name"] = "Bilal",
            ["Responders__1__Phone"] = Bilal,
            ["Responders__2__Name"] = "Chloe",
            ["Responders__2__Phone"] = Chloe,
            ["Responders__2__Escalation"] = "true",
        }.Concat(twilio.AppSettings(TipTraffic.PublicBase, "__")))
        {
            environment[key] = value;
        }

        return environment;
    }

    private static async Task<Process> RestartAsync(Process app, Dictionary<string, string?> environment, int port, ConcurrentQueue<string> logs)
    {
        // SIGKILL: no shutdown, leases and half-done runs left behind.
        app.Kill(entireProcessTree: true);
        await app.WaitForExitAsync(Ct);
        return await StartAsync(environment, port, logs);
    }

    private static Task<Process> StartAsync(Dictionary<string, string?> environment, int port, ConcurrentQueue<string> logs) => CrashTests.StartAsync(environment, port, logs);
}
