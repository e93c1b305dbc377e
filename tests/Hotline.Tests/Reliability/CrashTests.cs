using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Azure.Storage.Queues;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Hosting;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Reliability;

/// <summary>
/// Nothing lost, nothing twice, under the worst a host does: the app (the built executable, standalone,
/// dispatch and sweeper running) is killed with SIGKILL three times while 2,000 tips come in through
/// every channel; clients retry what got no 2xx as real ones do (same idempotency key, same MessageSid).
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class CrashTests(DedicatedAzurite storage) : IClassFixture<DedicatedAzurite>
{
    private const int JsonTips = 1200;
    private const int FormTips = 400;
    private const int SmsConversations = 200; // two messages each
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

        var units = TipTraffic.Units(JsonTips, FormTips, SmsConversations);
        var accepted = new ConcurrentBag<AcceptedTip>();
        var done = 0;
        var retries = 0;
        var kills = new List<int> { units.Count / 5, units.Count / 2, units.Count * 4 / 5 };
        var killLock = new SemaphoreSlim(1);
        var load = Stopwatch.StartNew();

        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (unit, ct) =>
        {
            // A kill cuts connections (no status); a process starting, or a storage call cut by the kill, says 503.
            foreach (var result in await TipTraffic.SendAsync(http, unit, refused =>
                     {
                         Assert.True(refused.Status is null or HttpStatusCode.ServiceUnavailable, $"unexpected {refused.Status}");
                         Interlocked.Increment(ref retries);
                     }, ct))
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
            Assert.Equal(JsonTips + FormTips + (SmsConversations * 2), accepted.Count);
            await TipTraffic.AssertStoredOnceAsync(storage.ConnectionString, accepted, Ct);

            // Each case reached its one responder: its alert once, or once more where a kill cut a send between
            // Twilio's answer and the ledger's record and the stale claim was taken over (the log says so).
            // A send a kill cut leaves a fresh claim that redeliveries must not second-guess; when they run
            // out first, the message ends in triage-poison and responders get the undelivered notice with
            // the receipt instead: told, not silent.
            var sent = twilio.Sms.Where(r => r.Delivered && r.To == Responder).ToList();
            var alerts = sent.Where(r => r.SmsBody!.StartsWith("HOTLINE ALERT", StringComparison.Ordinal)).Select(r => TipTraffic.ReceiptIn(r.SmsBody!)).ToList();
            var notices = sent.Where(r => r.SmsBody!.StartsWith("HOTLINE: AN ALERT COULD NOT BE DELIVERED", StringComparison.Ordinal)).Select(r => TipTraffic.ReceiptIn(r.SmsBody!)).ToList();
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
        var alerted = twilio.Sms.Where(r => r.Delivered && r.To == Responder).Select(r => TipTraffic.ReceiptIn(r.SmsBody!)).ToHashSet();
        return cases.All(alerted.Contains);
    }

    private async Task<bool> QueueEmptyAsync(string name)
    {
        var properties = await new QueueClient(storage.ConnectionString, name).GetPropertiesAsync(Ct);
        return properties.Value.ApproximateMessagesCount == 0;
    }

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
            ["Hotline__RateLimit__NetworkPerMinute"] = "0",
            ["Hotline__RateLimit__SitePerMinute"] = "0",
            ["Hotline__RateLimit__RefusalsPerMinute"] = "0",
            // Production's attempt timeout: a shorter one times out sends the stub did take under load,
            // and the retry pages again (Twilio has no idempotency key). Shorter total: claims go stale sooner.
            ["Hotline__Dispatch__Http__AttemptTimeout"] = "00:00:10",
            ["Hotline__Dispatch__Http__TotalTimeout"] = "00:00:15",
            ["Hotline__Queues__MessageLease"] = "00:00:10",
            ["AzureFunctionsJobHost__extensions__queues__visibilityTimeout"] = "00:00:01",
            ["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.500",
            ["Twilio__MessagesPerSecond"] = "1000",
            ["Responders__0__Name"] = "On call",
            ["Responders__0__Phone"] = Responder,
        }.Concat(twilio.AppSettings(TipTraffic.PublicBase, "__")))
        {
            environment[key] = value;
        }

        return environment;
    }

    /// <summary>The built app on <paramref name="port"/>, once it answers /api/health (the escalation crash test starts it so too).</summary>
    internal static async Task<Process> StartAsync(Dictionary<string, string?> environment, int port, ConcurrentQueue<string> logs)
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
