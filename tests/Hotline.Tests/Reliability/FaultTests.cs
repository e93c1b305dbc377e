using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Queues;
using Hotline.Functions.Intake;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Reliability;

/// <summary>
/// The app keeps running while what it depends on fails and comes back: storage taken away mid-load
/// (intake says 503 fast, never 500, stores nothing half; everything flows again without a restart), and
/// Twilio answering 429, 500 or nothing for a while (alerts are late, never lost or doubled). A poison
/// message ending in a responder notice is <c>DispatchTriage_SendKeepsFailing_EndsInTriagePoisonAndRaisesThePoisonNotice</c>.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class FaultTests(DedicatedAzurite storage) : IClassFixture<DedicatedAzurite>
{
    private const string Amina = "+447700900101";
    private const string Bilal = "+447700900102";
    private const string Undelivered = "HOTLINE: AN ALERT COULD NOT BE DELIVERED";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Intake_StorageGoesAwayMidLoadAndReturns_Answers503FastThenStoresEveryTipOnceWithoutARestart()
    {
        await using var outage = new StorageOutage(storage);
        await using var twilio = await TwilioStub.StartAsync();
        await using var app = await StartAsync(outage.ConnectionString, twilio);
        app.Http.Timeout = TimeSpan.FromSeconds(60);

        // The other test of this class stores tips on this Azurite too (tests run in random order): not this load's.
        var before = await TipTraffic.TipsAsync(storage.ConnectionString, Ct);
        var units = TipTraffic.Units(json: 150, form: 60, smsConversations: 40);
        var accepted = new ConcurrentBag<AcceptedTip>();
        var refusals = new ConcurrentBag<RefusedAttempt>();
        var done = 0;
        var outageStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var outageLasted = TimeSpan.Zero;
        var outageWindow = Task.Run(async () =>
        {
            await outageStarted.Task.WaitAsync(Ct);
            outage.Down();
            var lasted = System.Diagnostics.Stopwatch.StartNew();

            // Down until eight requests have been refused (the senders retry until stored, so this comes however
            // loaded the machine is): an outage measured in refusals, not in seconds.
            await Eventually.TrueAsync(() => Task.FromResult(refusals.Count >= 8), TimeSpan.FromMinutes(2), "the outage refused too few requests");
            outage.Up();
            outageLasted = lasted.Elapsed;
        }, Ct);

        await Parallel.ForEachAsync(units, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct }, async (unit, ct) =>
        {
            foreach (var tip in await TipTraffic.SendAsync(app.Http, unit, refusals.Add, ct))
            {
                accepted.Add(tip);
            }

            if (Interlocked.Increment(ref done) == units.Count / 4)
            {
                outageStarted.TrySetResult();
            }
        });
        await outageWindow;

        // The whole outage answered 503 with Retry-After, each within the intake deadline (and so well inside
        // the 15 s Twilio waits for a webhook): never a 500, never a hang.
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.Status);
            Assert.True(r.RetryAfter, "a 503 without Retry-After");
            Assert.True(r.Elapsed < IntakeDeadline.Limit + TimeSpan.FromSeconds(2), $"a 503 took {r.Elapsed.TotalSeconds:F1} s");
        });

        // Back without a restart: healthy, and every tip the retries got in is stored once, exactly.
        using (var health = await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        Assert.Equal(TipTraffic.Messages(units), accepted.Count);
        await TipTraffic.AssertStoredOnceAsync(storage.ConnectionString, accepted, before, Ct);

        // Every case reaches its responder: alerts whose queue send the outage cut are queued again by the sweeper.
        // A claim the outage cut (written, but its answer lost) is fresh for StaleAfter, longer than redeliveries
        // last: that alert ends in triage-poison and responders get the undelivered notice with its receipt,
        // as in the crash test: told, not silent.
        var cases = accepted.Where(a => a.Sequence == 1).Select(a => a.Receipt).ToHashSet();
        for (var settling = System.Diagnostics.Stopwatch.StartNew(); settling.Elapsed < TimeSpan.FromMinutes(3); await Task.Delay(200, Ct))
        {
            if (cases.All(Reached(twilio, Amina).Contains) && await QueueEmptyAsync("triage") && await QueueEmptyAsync("triage-poison"))
            {
                break;
            }
        }

        Assert.True(cases.All(Reached(twilio, Amina).Contains), $"{cases.Count(c => !Reached(twilio, Amina).Contains(c))} of {cases.Count} cases reached nobody");
        Assert.True(await QueueEmptyAsync("triage"), "messages left in triage");
        Assert.True(await QueueEmptyAsync("triage-poison"), "messages left in triage-poison");
        var alerts = Alerts(twilio, Amina);
        var notices = Alerts(twilio, Amina, Undelivered);
        var takeovers = app.Logs.Lines.Count(l => l.Contains("taking it over", StringComparison.Ordinal));
        Assert.True(alerts.Count - alerts.Distinct().Count() <= takeovers, $"{alerts.Count - alerts.Distinct().Count()} alerts repeated with {takeovers} claims taken over");
        Assert.True(notices.Count <= 16, $"{notices.Count} notices: more than the sends one outage can cut (a batch of 16)");

        AssertNoTipTextLogged(app, accepted);
        var summary = $"storage away for {outageLasted.TotalSeconds:F1} s under load: {accepted.Count} tips accepted ({cases.Count} cases), {refusals.Count} answers were 503 first (slowest {refusals.Max(r => r.Elapsed).TotalSeconds:F1} s), 0 other; {alerts.Count} alerts ({alerts.Count - alerts.Distinct().Count()} repeated, {takeovers} claims taken over), {notices.Count} undelivered notices";
        TestContext.Current.SendDiagnosticMessage("Fault test: " + summary);
        await File.WriteAllTextAsync(Path.Combine(Path.GetTempPath(), "hotline-fault-test.txt"), summary + "\n", Ct);
    }

    [Fact]
    public async Task DispatchTriage_TwilioRateLimitsFailsAndTimesOutThenRecovers_DeliversEveryAlertOnceToEachResponder()
    {
        await using var twilio = await TwilioStub.StartAsync();
        var outage = true;
        var failures = new[] { StubAnswer.TooManyRequests, StubAnswer.ServerError, StubAnswer.Hang };
        var seen = 0;
        twilio.Answer = _ => Volatile.Read(ref outage) ? failures[Interlocked.Increment(ref seen) % failures.Length] : StubAnswer.Ok;
        await using var app = await StartAsync(storage.ConnectionString, twilio);

        var receipts = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = $"They locked us in the container and beat us, help now {i} {Guid.NewGuid():N}", language = "en" }, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            receipts.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("receipt").GetString()!);
        }

        // Until the outage has turned away as many sends as there are alerts (twenty cases, two responders), short of
        // the retries that would poison them.
        await Eventually.TrueAsync(() => Task.FromResult(twilio.Sms.Count >= receipts.Count * 2), TimeSpan.FromMinutes(2), "too few sends were tried during the outage");
        var duringOutage = twilio.Sms.Count;
        Volatile.Write(ref outage, false);

        await Eventually.TrueAsync(
            async () => receipts.All(Alerted(twilio, Amina).Contains) && receipts.All(Alerted(twilio, Bilal).Contains) && await QueueEmptyAsync("triage"),
            TimeSpan.FromMinutes(2));

        Assert.True(duringOutage >= receipts.Count * 2, $"only {duringOutage} sends were tried during the outage");
        Assert.Contains(twilio.Sms, r => r.Answer == StubAnswer.TooManyRequests);
        Assert.Contains(twilio.Sms, r => r.Answer == StubAnswer.ServerError);
        Assert.Contains(twilio.Sms, r => r.Answer == StubAnswer.Hang);
        foreach (var responder in new[] { Amina, Bilal })
        {
            Assert.Equal(receipts.Order(StringComparer.Ordinal), Alerts(twilio, responder).Order(StringComparer.Ordinal));
        }

        Assert.DoesNotContain(twilio.Sms, r => r.SmsBody!.StartsWith(Undelivered, StringComparison.Ordinal));
        Assert.True(await QueueEmptyAsync("triage-poison"), "messages in triage-poison");
    }

    private static HashSet<string> Alerted(TwilioStub twilio, string responder) => Alerts(twilio, responder).ToHashSet();

    /// <summary>Receipts the responder was paged about, by an alert or by an undelivered-alert notice.</summary>
    private static HashSet<string> Reached(TwilioStub twilio, string responder) => [.. Alerts(twilio, responder), .. Alerts(twilio, responder, Undelivered)];

    private static List<string> Alerts(TwilioStub twilio, string responder, string kind = "HOTLINE ALERT") =>
        twilio.Sms.Where(r => r.Delivered && r.To == responder && r.SmsBody!.StartsWith(kind, StringComparison.Ordinal))
            .Select(r => TipTraffic.ReceiptIn(r.SmsBody!)).ToList();

    private async Task<bool> QueueEmptyAsync(string name) =>
        (await new QueueClient(storage.ConnectionString, name).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0;

    private static void AssertNoTipTextLogged(TestApp app, IEnumerable<AcceptedTip> accepted)
    {
        var text = app.Logs.AllText;
        foreach (var tip in accepted)
        {
            // The last word of every tip is a fresh token: it appears nowhere but in the tip.
            var token = tip.Text[(tip.Text.LastIndexOf(' ') + 1)..];
            Assert.False(text.Contains(token, StringComparison.Ordinal), "tip text logged");
        }

        Assert.DoesNotContain("+4475", text, StringComparison.Ordinal);
    }

    /// <summary>The app with dispatch, the sweeper (every 2 s, after 5 s) and two responders paged for urgent alerts.</summary>
    private static async Task<TestApp> StartAsync(string connectionString, TwilioStub twilio)
    {
        var settings = TestApp.BaseSettings(connectionString);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AzureWebJobs:DispatchTriage:Disabled"] = "false",
            ["AzureWebJobs:DispatchTriagePoison:Disabled"] = "false",
            ["AzureWebJobs:SweepUntriaged:Disabled"] = "false",
            ["SweepUntriagedSchedule"] = "*/2 * * * * *",
            ["Hotline:Sweep:Grace"] = "00:00:05",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:01",
            ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:01",
            ["Hotline:Dispatch:Http:TotalTimeout"] = "00:00:04",
            ["Hotline:Dispatch:Http:MaxRetries"] = "2",
            ["Hotline:Dispatch:Http:RetryBaseDelay"] = "00:00:00.050",
            ["Twilio:MessagesPerSecond"] = "100",
            ["Responders:0:Name"] = "Amina",
            ["Responders:0:Phone"] = Amina,
            ["Responders:1:Name"] = "Bilal",
            ["Responders:1:Phone"] = Bilal,
        }.Concat(twilio.AppSettings(TipTraffic.PublicBase)))
        {
            settings[key] = value;
        }

        return await TestApp.StartAsync(settings, cancellationToken: Ct);
    }
}
