using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Hosting;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;

namespace Hotline.Tests.Reliability;

/// <summary>
/// Nothing lost, nothing twice, under the worst a host does: the app (the built executable, standalone,
/// dispatch and sweeper running) is killed with SIGKILL three times while 2,000 tips come in through
/// every channel; clients retry what got no 2xx as real ones do (same idempotency key, same MessageSid).
/// </summary>
public sealed partial class CrashTests(OwnAzurite storage) : IClassFixture<OwnAzurite>
{
    private const int JsonTips = 1200;
    private const int FormTips = 400;
    private const int SmsConversations = 200; // two messages each
    private const string PublicBase = "https://hotline.example.org";
    private const string Responder = "+447700900555";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task App_KilledThreeTimesUnderLoad_StoresEveryAcceptedTipOnceAndAlertsEachOnce()
    {
        await using var twilio = await TwilioStub.StartAsync();
        var port = StartupTests.FreePort();
        var logs = new ConcurrentQueue<string>();
        var environment = Environment(twilio);
        var app = await StartAsync(environment, port, logs);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(20) };

        var units = Enumerable.Range(0, JsonTips).Select(i => new Unit("json", i))
            .Concat(Enumerable.Range(0, FormTips).Select(i => new Unit("form", i)))
            .Concat(Enumerable.Range(0, SmsConversations).Select(i => new Unit("sms", i)))
            .OrderBy(_ => Random.Shared.Next())
            .ToList();
        var accepted = new ConcurrentBag<Accepted>();
        var done = 0;
        var retries = 0;
        var kills = new List<int> { units.Count / 5, units.Count / 2, units.Count * 4 / 5 };
        var killLock = new SemaphoreSlim(1);
        var load = Stopwatch.StartNew();

        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (unit, ct) =>
        {
            foreach (var result in await SendUnitAsync(http, unit, () => Interlocked.Increment(ref retries), ct))
            {
                accepted.Add(result);
            }

            var count = Interlocked.Increment(ref done);
            if (kills.Contains(count) && await killLock.WaitAsync(0, ct))
            {
                try
                {
                    // SIGKILL mid-load: requests in flight are cut, claims and leases are left behind.
                    app.Kill(entireProcessTree: true);
                    await app.WaitForExitAsync(ct);
                    await Task.Delay(300, ct);
                    app = await StartAsync(environment, port, logs);
                }
                finally
                {
                    killLock.Release();
                }
            }
        });

        load.Stop();

        // Let dispatch (and the sweeper, for alerts whose queue message a kill lost) settle.
        var cases = accepted.Where(a => a.Sequence == 1).Select(a => a.Receipt).ToHashSet();
        var settled = Stopwatch.StartNew();
        while (settled.Elapsed < TimeSpan.FromMinutes(4) && !(AllAlerted(twilio, cases) && await QueueEmptyAsync("triage")))
        {
            await Task.Delay(500, Ct);
        }

        try
        {
            // Every accepted tip is stored once and decrypts to exactly what was sent.
            Assert.Equal(JsonTips + FormTips + (SmsConversations * 2), accepted.Count);
            foreach (var tip in accepted)
            {
                var id = TipId.TryParse(tip.Receipt, out var parsed) ? parsed.Value : throw new InvalidOperationException(tip.Receipt);
                var blob = tip.Sequence == 1 ? ReportStore.ReportBlobName(id) : ReportStore.MessageBlobName(id, tip.Sequence);
                Assert.Equal(tip.Text, (await TestKeys.DecryptReportAsync(storage.ConnectionString, blob, Ct)).Message);
            }

            // No key or MessageSid made two reports: exactly the blobs of the accepted tips exist.
            var blobs = new List<string>();
            await foreach (var item in new BlobContainerClient(storage.ConnectionString, "tips").GetBlobsAsync(cancellationToken: Ct))
            {
                blobs.Add(item.Name);
            }

            Assert.Equal(JsonTips + FormTips + (SmsConversations * 2), blobs.Count);
            Assert.Equal(cases.Count, blobs.Count(b => b.EndsWith("/report", StringComparison.Ordinal)));

            // Each case reached its one responder: its alert once, or once more where a kill cut a send between
            // Twilio's answer and the ledger's record and the stale claim was taken over (the log says so).
            // A send a kill cut leaves a fresh claim that redeliveries must not second-guess; when they run
            // out first, the message ends in triage-poison and responders get the undelivered notice with
            // the receipt instead: told, not silent.
            var sent = twilio.Sms.Where(r => r.Delivered && r.To == Responder).ToList();
            var alerts = sent.Where(r => r.SmsBody!.StartsWith("HOTLINE ALERT", StringComparison.Ordinal)).Select(r => ReceiptIn(r.SmsBody!)).ToList();
            var notices = sent.Where(r => r.SmsBody!.StartsWith("HOTLINE: AN ALERT COULD NOT BE DELIVERED", StringComparison.Ordinal)).Select(r => ReceiptIn(r.SmsBody!)).ToList();
            var takeovers = logs.Count(l => l.Contains("taking it over", StringComparison.Ordinal));
            Assert.All(cases, c => Assert.True(alerts.Contains(c) || notices.Contains(c), $"{c} reached nobody"));
            var repeats = alerts.Count - alerts.Distinct().Count();
            var summary = $"{accepted.Count} tips accepted ({cases.Count} cases), {retries} client retries, 3 kills; {alerts.Count} alerts ({repeats} repeated, {takeovers} claims taken over), {notices.Count} undelivered notices; load {load.Elapsed.TotalSeconds:F0} s, settled {settled.Elapsed.TotalSeconds:F0} s after";
            Assert.True(repeats <= takeovers, summary);
            Assert.True(notices.Count <= 3 * 16, "more notices than sends a kill can cut (16 per batch): " + summary);
            Assert.True(await QueueEmptyAsync("triage"), "messages left in triage (visible or not)");
            Assert.True(await QueueEmptyAsync("triage-poison"), "messages in triage-poison");

            TestContext.Current.SendDiagnosticMessage("Crash test: " + summary);
            await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "hotline-crash-test.txt"), summary + "\n", Ct);
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync(Ct);
        }
    }

    private static bool AllAlerted(TwilioStub twilio, HashSet<string> cases)
    {
        var alerted = twilio.Sms.Where(r => r.Delivered && r.To == Responder).Select(r => ReceiptIn(r.SmsBody!)).ToHashSet();
        return cases.All(alerted.Contains);
    }

    private async Task<bool> QueueEmptyAsync(string name)
    {
        var properties = await new QueueClient(storage.ConnectionString, name).GetPropertiesAsync(Ct);
        return properties.Value.ApproximateMessagesCount == 0;
    }

    /// <summary>One client's work: a JSON tip, a form tip, or an SMS conversation (a report and a follow-up).</summary>
    private sealed record Unit(string Kind, int Index);

    private sealed record Accepted(string Receipt, int Sequence, string Text);

    private static async Task<List<Accepted>> SendUnitAsync(HttpClient http, Unit unit, Action retried, CancellationToken ct)
    {
        var token = Guid.NewGuid().ToString("N");
        switch (unit.Kind)
        {
            case "json":
            {
                var text = $"They took our passports at the farm, json {unit.Index} {token}";
                var body = await UntilAcceptedAsync(http, () => new HttpRequestMessage(HttpMethod.Post, "/api/tips")
                {
                    Content = JsonContent.Create(new { message = text, language = "en" }),
                    Headers = { { "Idempotency-Key", token } },
                }, retried, ct);
                return [new(JsonDocument.Parse(body).RootElement.GetProperty("receipt").GetString()!, 1, text)];
            }

            case "form":
            {
                var text = $"We work without pay near the border, form {unit.Index} {token}";
                var body = await UntilAcceptedAsync(http, () => new HttpRequestMessage(HttpMethod.Post, "/api/tips")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = text, ["language"] = "en", ["idempotencyKey"] = token }),
                }, retried, ct);
                return [new(ReceiptIn(body), 1, text)];
            }

            default:
            {
                var phone = "+4475" + (10_000_000 + unit.Index).ToString(System.Globalization.CultureInfo.InvariantCulture) + "1";
                var first = $"They locked us in a house, sms {unit.Index} {token}";
                var reply = await SmsAsync(http, phone, first, retried, ct);
                var followUp = $"thank you {token}";
                await SmsAsync(http, phone, followUp, retried, ct);
                return [new(ReceiptIn(reply), 1, first), new(ReceiptIn(reply), 2, followUp)];
            }
        }
    }

    private static async Task<string> SmsAsync(HttpClient http, string phone, string body, Action retried, CancellationToken ct)
    {
        // Twilio's own retry: the same MessageSid, the same signature.
        return await UntilAcceptedAsync(http, await TwilioStub.InboundSmsAsync(PublicBase, phone, body), retried, ct);
    }

    /// <summary>Sends until a 2xx, as a client that did not get one does; a refused connection is a process being restarted.</summary>
    private static async Task<string> UntilAcceptedAsync(HttpClient http, Func<HttpRequestMessage> request, Action retried, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var message = request();
                using var response = await http.SendAsync(message, ct);
                if ((int)response.StatusCode is >= 200 and < 300)
                {
                    return await response.Content.ReadAsStringAsync(ct);
                }

                Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError, $"unexpected {(int)response.StatusCode}");
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }

            Assert.True(attempt < 200, "a request never got a 2xx");
            retried();
            await Task.Delay(100, ct);
        }
    }

    private static string ReceiptIn(string text) => ReceiptPattern().Match(text).Value is { Length: > 0 } receipt ? receipt : throw new InvalidOperationException("no receipt in: " + text);

    [GeneratedRegex("[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")]
    private static partial Regex ReceiptPattern();

    private Dictionary<string, string?> Environment(TwilioStub twilio)
    {
        var environment = StartupTests.AppEnvironment(storage.ConnectionString);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AzureWebJobs__DispatchTriage__Disabled"] = "false",
            ["AzureWebJobs__DispatchTriagePoison__Disabled"] = "false",
            ["AzureWebJobs__SweepUntriaged__Disabled"] = "false",
            ["SweepUntriagedSchedule"] = "*/5 * * * * *",
            ["Hotline__Sweep__Grace"] = "00:00:20",
            ["Hotline__Dispatch__DigestAfter"] = "0",
            ["Hotline__RateLimit__PerMinute"] = "0",
            ["Hotline__RateLimit__GlobalPerMinute"] = "0",
            ["Hotline__RateLimit__RefusalsPerMinute"] = "0",
            // Production's attempt timeout: a shorter one times out sends the stub did take under load,
            // and the retry pages again (Twilio has no idempotency key). Shorter total: claims go stale sooner.
            ["Hotline__Dispatch__Http__AttemptTimeout"] = "00:00:10",
            ["Hotline__Dispatch__Http__TotalTimeout"] = "00:00:15",
            ["AzureFunctionsJobHost__extensions__queues__messageLease"] = "00:00:10",
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.500",
            ["Twilio__MessagesPerSecond"] = "1000",
            ["Responders__0__Name"] = "On call",
            ["Responders__0__Phone"] = Responder,
        }.Concat(twilio.AppSettings(PublicBase, "__")))
        {
            environment[key] = value;
        }

        return environment;
    }

    private static async Task<Process> StartAsync(Dictionary<string, string?> environment, int port, ConcurrentQueue<string> logs)
    {
        var process = StartupTests.StartExecutable(["--urls", $"http://127.0.0.1:{port}"], environment, output: logs);
        _ = process.StandardError.ReadToEndAsync();
        using var probe = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100, Ct))
        {
            try
            {
                using var health = await probe.GetAsync(new Uri("/api/health", UriKind.Relative), Ct);
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.False(process.HasExited, "the app exited at start-up: " + string.Join('\n', logs.TakeLast(20)));
        }

        throw new TimeoutException("the app did not become healthy");
    }
}
