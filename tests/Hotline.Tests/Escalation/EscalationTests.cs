using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Azure.Storage.Blobs;
using Hotline.Dispatch;
using Hotline.Escalation;
using Hotline.Functions.DispatchDigest;
using Hotline.Functions.EscalateAlert;
using Hotline.Functions.EscalateOverdue;
using Hotline.Functions.Texts;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Escalation;

/// <summary>
/// Issue 29: an urgent alert waits for an acknowledgement, and escalates until someone gives one. The clock of the
/// escalation store is fake; the steps' queue messages are taken and invoked as the host would.
/// </summary>
[Collection(DispatchTestGroup.Name)]
public sealed class EscalationTests(OwnAzurite storage) : DispatchTestBase(storage)
{
    private const string PublicBase = "https://hotline.example.org";
    private static readonly TimeSpan AckWithin = TimeSpan.FromMinutes(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero));

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var queue = Queue(Escalations.QueueName);
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        await queue.ClearMessagesAsync(Ct);
        // Escalations a test leaves open would be stepped by the next test's timer run.
        var alerts = new BlobContainerClient(Storage.ConnectionString, "alerts");
        await alerts.CreateIfNotExistsAsync(cancellationToken: Ct);
        await foreach (var blob in alerts.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "escalating/", Ct))
        {
            await alerts.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }

        var digest = new BlobContainerClient(Storage.ConnectionString, AlertDigest.ContainerName);
        await digest.CreateIfNotExistsAsync(cancellationToken: Ct);
        await foreach (var blob in digest.GetBlobsAsync(cancellationToken: Ct))
        {
            await digest.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task Escalation_NobodyAcknowledges_RepagesThenEscalationListThenEveryoneEachOnceAtTheirTimes()
    {
        var telemetry = new ExportedTelemetry();
        await using var app = await StartEscalatingAsync(telemetry: telemetry);
        var alert = Urgent();

        Assert.True(await InvokeAsync(app, alert));

        // The first page: the roster but the escalation list, each told how to acknowledge.
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To).Order());
        Assert.All(Stub.Sms, r => Assert.Contains($"\nReply ACK {alert.TipId} to take it.", r.SmsBody, StringComparison.Ordinal));

        // Its step is queued with a delay; delivered early (or the timer just before it is due), nothing is sent.
        Assert.True(await EscalateAsync(app, alert.TipId, step: 1));
        _clock.Advance(AckWithin - TimeSpan.FromSeconds(1));
        Assert.True(await OverdueAsync(app));
        Assert.Equal(2, Stub.Sms.Count);

        // Step 1, at AckWithin: the same responders again. Its duplicate and the timer send nothing more.
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await EscalateAsync(app, alert.TipId, step: 1));
        Assert.True(await EscalateAsync(app, alert.TipId, step: 1));
        Assert.True(await OverdueAsync(app));
        Assert.Equal([Amina, Bilal], Steps(1).Select(r => r.To).Order());

        // Step 2, AckWithin later (here by the timer, as when the queue message is lost): the escalation list.
        _clock.Advance(AckWithin);
        Assert.True(await OverdueAsync(app));
        Assert.True(await EscalateAsync(app, alert.TipId, step: 2));
        Assert.Equal([Chloe], Steps(2).Select(r => r.To));

        // Step 3: everyone, on every channel; then nothing more, however long nobody answers.
        _clock.Advance(AckWithin);
        Assert.True(await EscalateAsync(app, alert.TipId, step: 3));
        Assert.Equal([Amina, Bilal, Chloe], Steps(3).Select(r => r.To).Order());
        _clock.Advance(AckWithin * 4);
        Assert.True(await OverdueAsync(app));
        Assert.True(await EscalateAsync(app, alert.TipId, step: 3));

        Assert.Equal(8, Stub.Sms.Count);
        Assert.All(Stub.Sms, r => Assert.Equal(AlertText.GsmLength, r.SmsBody!.Length));
        Assert.All(Stub.Sms, r => Assert.Contains(alert.TipId, r.SmsBody, StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains($"{alert.AlertKey} escalated to everyone", StringComparison.Ordinal));

        // What the escalated-to-everyone rule (infra/main.bicep) sums: one "everyone" step, as exported.
        foreach (var step in new[] { 1, 2, 3 })
        {
            Assert.Equal(1, Exported(telemetry, app, Hotline.Diagnostics.HotlineMetrics.EscalationStepsMetric, "step", AlertEscalator.StepName(step)));
        }

        AssertNothingSecretLogged(app);
    }

    public static TheoryData<string> AckForms => new() { "ACK {0}", "ack {1}", "Ack: {0}.", "ACK" };

    [Theory]
    [MemberData(nameof(AckForms))]
    public async Task Sms_AckFromARosterPhoneInAnyForm_StopsEscalationConfirmsAndTellsTheOthersOnce(string form)
    {
        await using var app = await StartEscalatingAsync();
        var alert = Urgent();
        Assert.True(await InvokeAsync(app, alert));
        var tips = await TipBlobCountAsync();

        // {1}: as typed on a phone, lower case, spaces for dashes, O for 0 and l for 1.
        var typed = alert.TipId.ToLowerInvariant().Replace('-', ' ').Replace('0', 'o').Replace('1', 'l');
        var reply = await SmsAsync(app, Amina, string.Format(CultureInfo.InvariantCulture, form, alert.TipId, typed));

        Assert.Equal($"Acknowledged: {alert.TipId}. Escalation stopped; the others are told.", reply);
        await RunQueuedAsync(app);
        await RunQueuedAsync(app);
        var notice = Assert.Single(Stub.Sms.Skip(2));
        Assert.Equal(Bilal, notice.To);
        Assert.StartsWith($"HOTLINE: ALERT ACKNOWLEDGED\nReceipt: {alert.TipId}\nBy: Amina", notice.SmsBody, StringComparison.Ordinal);
        Assert.Equal(AlertText.GsmLength, notice.SmsBody!.Length);

        // Nothing escalates any more, and the ACK itself was no report.
        _clock.Advance(AckWithin * 4);
        Assert.True(await EscalateAsync(app, alert.TipId, step: 1));
        Assert.True(await OverdueAsync(app));
        Assert.Equal(3, Stub.Sms.Count);
        Assert.Equal(tips, await TipBlobCountAsync());
        Assert.Empty(await Storage.DrainAsync("triage", Ct));
        Assert.Contains($"\tAmina\tack\t{alert.TipId}\n", await AuditAsync(), StringComparison.Ordinal);

        // A second ACK (Twilio's retry, or a habit) is confirmed again and tells nobody twice.
        Assert.StartsWith("Acknowledged:", await SmsAsync(app, Amina, $"ACK {alert.TipId}"), StringComparison.Ordinal);
        Assert.Equal($"{alert.TipId} was already acknowledged by Amina.", await SmsAsync(app, Bilal, $"ACK {alert.TipId}"));
        await RunQueuedAsync(app);
        Assert.Equal(3, Stub.Sms.Count);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task Sms_AckOfAnotherCase_AcknowledgesOnlyThatOne()
    {
        await using var app = await StartEscalatingAsync();
        var acknowledged = Urgent();
        var open = Urgent();
        Assert.True(await InvokeAsync(app, acknowledged));
        Assert.True(await InvokeAsync(app, open));

        Assert.StartsWith("Acknowledged:", await SmsAsync(app, Bilal, $"ACK {acknowledged.TipId}"), StringComparison.Ordinal);
        _clock.Advance(AckWithin);
        Assert.True(await OverdueAsync(app));

        var steps = Steps(1);
        Assert.Equal([Amina, Bilal], steps.Select(r => r.To).Order());
        Assert.All(steps, r => Assert.Contains(open.TipId, r.SmsBody, StringComparison.Ordinal));

        // A number with no alert waiting is said so; ACK alone now means the open one, the last sent.
        var unknown = TipId.New().ToString();
        Assert.Equal($"Nothing waits for an ACK under {unknown}.", await SmsAsync(app, Amina, "ACK " + unknown));
        Assert.Equal($"Acknowledged: {open.TipId}. Escalation stopped; the others are told.", await SmsAsync(app, Amina, "ACK"));
    }

    [Fact]
    public async Task Sms_RosterPhoneFreeText_IsNoCaseAndGetsTheHelp()
    {
        await using var app = await StartEscalatingAsync();
        var tips = await TipBlobCountAsync();
        var text = PrivacyCanaries.Register("They locked us in a room at the farm " + Guid.NewGuid());

        var reply = await SmsAsync(app, Amina, text);

        Assert.Equal(TextCatalogue.AlertWordings["en"].CommandHelp, reply);
        Assert.Equal(tips, await TipBlobCountAsync());
        Assert.Empty(await Storage.DrainAsync("triage", Ct));
        Assert.Empty(Stub.Sms);
        Assert.DoesNotContain(text, app.Logs.AllText, StringComparison.Ordinal);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task Sms_TipsterSendsAck_IsAReportLikeAnyOther()
    {
        await using var app = await StartEscalatingAsync();
        var tipster = TestTips.NewPhone();
        var tips = await TipBlobCountAsync();

        var reply = await SmsAsync(app, tipster, "ACK K7QF-2M9X-4TJD");

        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
        Assert.Equal(tips + 1, await TipBlobCountAsync());
        Assert.Single(await Storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task Digest_FloodOfUrgentTips_EscalatesTheDigestAsAWholeNotEachTip()
    {
        await using var app = await StartEscalatingAsync(new() { ["Hotline:Dispatch:DigestAfter"] = "1" });
        var first = Urgent();
        Assert.True(await InvokeAsync(app, first));
        var flood = Enumerable.Range(0, 5).Select(_ => Urgent()).ToList();
        foreach (var alert in flood)
        {
            Assert.True(await InvokeAsync(app, alert));
        }

        Assert.True(await InvokeAsync(app, "", function: DispatchDigestFunction.FunctionName));
        var digests = Stub.Sms.Where(r => r.SmsBody!.StartsWith("HOTLINE: MANY REPORTS", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, digests.Count);
        Assert.All(digests, r => Assert.Contains("\nReply ACK to take them all.", r.SmsBody, StringComparison.Ordinal));

        // One step for the digest per responder, and one for the alert paged on its own before the surge.
        _clock.Advance(AckWithin);
        Assert.True(await OverdueAsync(app));
        var steps = Steps(1);
        Assert.Equal(3, steps.Count(r => r.SmsBody!.Contains("\nReports: 5 (URGENT: 5)\n", StringComparison.Ordinal)));
        Assert.Equal(2, steps.Count(r => r.SmsBody!.Contains(first.TipId, StringComparison.Ordinal)));
        Assert.Equal(5, steps.Count);

        // Any case number of the digest acknowledges all of it.
        Assert.StartsWith($"Acknowledged: {flood[3].TipId}.", await SmsAsync(app, Chloe, $"ACK {flood[3].TipId}"), StringComparison.Ordinal);
        Assert.StartsWith($"Acknowledged: {first.TipId}.", await SmsAsync(app, Amina, $"ACK {first.TipId}"), StringComparison.Ordinal);
        _clock.Advance(AckWithin * 3);
        Assert.True(await OverdueAsync(app));
        Assert.Empty(Steps(2));
        Assert.Contains($"\tChloe\tack\t{flood[0].TipId}\n", await AuditAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AlertTextTests.Languages), MemberType = typeof(AlertTextTests))]
    public void AlertText_EscalationStepsAndAcknowledgedNotice_KeepTheAlertsLengthClass(string language)
    {
        var wording = TextCatalogue.AlertWordings[language];
        var longest = new string('K', AlertFacts.MaxReceiptLength);
        var alert = AlertText.Sms(new AlertFacts(AlertKind.Alert, "K7QF-2M9X-4TJD", Urgency.Normal, Channel.Web, DateTimeOffset.UnixEpoch, "en", false, "key"), wording);
        var triage = new TriageMessage(longest, Channel.Sms, Urgency.Urgent, DateTimeOffset.UnixEpoch, "ar", ContactPaused: true, LanguageUnread: true);
        var digest = AlertFacts.ForDigest([.. Enumerable.Range(0, 40).Select(i => triage with { TipId = $"K{i:D3}-2M9X-4TJD" })], []);
        foreach (var step in new int?[] { null, 1, 2, 3 })
        {
            foreach (var facts in new[] { AlertFacts.ForAlert(triage), digest })
            {
                var sms = AlertText.Sms(facts with { Step = step, AckHint = true }, wording);
                Assert.Equal(alert.Length, sms.Length);
                Assert.Equal(AlertText.IsGsm7(alert), AlertText.IsGsm7(sms));
            }
        }

        var notice = AlertText.Sms(AlertFacts.ForAcknowledged(longest, "key", new string('N', 80)), wording);
        Assert.Equal(alert.Length, notice.Length);

        // A webhook channel cannot answer: its text gives no ACK hint.
        Assert.DoesNotContain("ACK", AlertText.Webhook(AlertFacts.ForAlert(triage) with { AckHint = true }, wording).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TipsAck_FromTheResponderTool_StopsEscalationIsAuditedAndTellsTheOthers()
    {
        // The app's own listener takes the tool's acknowledgement, as in production; the delayed steps stay invisible.
        var telemetry = new ExportedTelemetry();
        await using var app = await StartEscalatingAsync(new() { ["AzureWebJobs:EscalateAlert:Disabled"] = "false" }, telemetry);
        var alert = await UrgentCaseAsync(app);
        Assert.Equal(2, Stub.Sms.Count);

        var acked = await ToolAsync("tips", "ack", alert.TipId.ToLowerInvariant().Replace('-', ' '), "--as", "Night desk");

        Assert.True(acked.Exit == 0, acked.Stdout + acked.Stderr);
        Assert.Equal($"Acknowledged: {alert.TipId}. Escalation stopped; the others are told.\n", acked.Stdout);
        Assert.Empty(acked.Stderr);

        // Nobody on the roster took it by phone, so everyone paged hears who did, once.
        await Eventually.TrueAsync(() => Task.FromResult(Stub.Sms.Count == 4), TimeSpan.FromSeconds(20), "the acknowledged notices");
        var notices = Stub.Sms.Skip(2).ToList();
        Assert.Equal([Amina, Bilal], notices.Select(r => r.To).Order());
        Assert.All(notices, r => Assert.StartsWith($"HOTLINE: ALERT ACKNOWLEDGED\nReceipt: {alert.TipId}\nBy: Night desk", r.SmsBody, StringComparison.Ordinal));

        // The escalation is over: neither its queued step nor the timer pages anyone, however long.
        _clock.Advance(AckWithin * 4);
        Assert.True(await EscalateAsync(app, alert.TipId, step: 1));
        Assert.True(await OverdueAsync(app));
        Assert.Equal(4, Stub.Sms.Count);
        Assert.Contains($"\tNight desk\tack\t{alert.TipId}\n", await AuditAsync(), StringComparison.Ordinal);
        Assert.Equal(1, Exported(telemetry, app, Hotline.Diagnostics.HotlineMetrics.AckTimeMetric, "via", "cli"));

        // The answer the tool read is gone; the message named no number and held no content.
        var alerts = new BlobContainerClient(Storage.ConnectionString, "alerts");
        await foreach (var blob in alerts.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, "ack-replies/", Ct))
        {
            Assert.Fail("an answer was left behind: " + blob.Name);
        }

        // Once more, by someone else: taken already, said in one line.
        var again = await ToolAsync("tips", "ack", alert.TipId, "--as", "Amina");
        Assert.Equal($"hotline: {alert.TipId} was already acknowledged by Night desk.", again.OneErrorLine());
        await RunQueuedAsync(app);
        Assert.Equal(4, Stub.Sms.Count);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task TipsAck_BadUnknownOrNotEscalatingReceipt_OneLineEach()
    {
        await using var app = await StartEscalatingAsync();

        Assert.Contains("is not a receipt", (await ToolAsync("tips", "ack", "../etc")).OneErrorLine(), StringComparison.Ordinal);
        Assert.Equal("hotline: no case K7QF-2M9X-4TJD.", (await ToolAsync("tips", "ack", "K7QF-2M9X-4TJD")).OneErrorLine());

        // A case whose alert does not wait for an acknowledgement (not urgent): the app says so, and nothing changes.
        var reply = await SmsAsync(app, TestTips.NewPhone(), "I saw people working at a farm without pay " + Guid.NewGuid());
        var receipt = reply![(reply!.IndexOf("case ", StringComparison.Ordinal) + 5)..][..14];
        var triage = TriageMessage.Parse(Assert.Single(await Storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.NotEqual(Urgency.Urgent, triage.Urgency);
        Assert.True(await InvokeAsync(app, triage));
        var notOpen = await ToolServedAsync(app, "tips", "ack", receipt);
        Assert.Contains($"no alert of {receipt} waits for an acknowledgement", notOpen.OneErrorLine(), StringComparison.Ordinal);
        Assert.DoesNotContain("\tack\t" + receipt, await AuditAsync(), StringComparison.Ordinal);

        // Nothing takes the queue (the app is down): the acknowledgement stays queued, and the tool says so in one line.
        var late = await ToolAsync("tips", "ack", receipt, "--wait", "1");
        Assert.Contains("is queued, but the app did not take it within 1 s", late.OneErrorLine(), StringComparison.Ordinal);
        var body = Assert.Single(await Storage.DrainAsync(Escalations.QueueName, Ct)).Body.ToString();
        Assert.Equal(["ackBy", "id", "replyTo", "via"], System.Text.Json.JsonDocument.Parse(body).RootElement.EnumerateObject().Select(p => p.Name).Order());
        var queued = EscalationMessage.TryParse(body)!;
        Assert.Equal((receipt, "night-desk", "cli"), (queued.Id, queued.AckBy, queued.Via));
        Assert.Matches("^[0-9a-f]{32}$", queued.ReplyTo);
    }

    [Fact]
    public async Task EscalateAlert_AckWhoseReplyTokenIsNotOne_AcknowledgesAndWritesNoAnswerBlob()
    {
        await using var app = await StartEscalatingAsync();
        var alert = Urgent();
        Assert.True(await InvokeAsync(app, alert));

        // Whoever can write to the queue must not choose a blob name through the token.
        var message = new EscalationMessage(alert.TipId, AckBy: "Amina", Via: "cli", ReplyTo: "../tips/" + alert.TipId + "/report");
        Assert.True(await InvokeAsync(app, message.ToJson(), function: EscalateAlertFunction.FunctionName));

        Assert.Equal($"{alert.TipId} was already acknowledged by Amina.", await SmsAsync(app, Bilal, "ACK " + alert.TipId));
        var alerts = new BlobContainerClient(Storage.ConnectionString, "alerts");
        await foreach (var blob in alerts.GetBlobsAsync(cancellationToken: Ct))
        {
            Assert.DoesNotContain("ack-replies", blob.Name, StringComparison.Ordinal);
            Assert.DoesNotContain("report", blob.Name, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EscalateAlertPoison_StepOrMessageThatFailsEveryDelivery_LandsInPoisonAndEveryResponderIsTold()
    {
        var telemetry = new ExportedTelemetry();
        await using var app = await StartEscalatingAsync(
            new()
            {
                ["AzureWebJobs:EscalateAlert:Disabled"] = "false",
                ["AzureWebJobs:EscalateAlertPoison:Disabled"] = "false",
            },
            telemetry);
        var alert = Urgent();
        Assert.True(await InvokeAsync(app, alert));

        // Every step's SMS is refused (the first page went out); one message is not an escalation message at all.
        Stub.Answer = r => r.IsSms && r.SmsBody!.StartsWith("HOTLINE: NOT ACKNOWLEDGED", StringComparison.Ordinal) ? StubAnswer.ServerError : StubAnswer.Ok;
        _clock.Advance(AckWithin);
        await Queue(Escalations.QueueName).SendMessageAsync(new EscalationMessage(alert.TipId, Step: 1).ToJson(), Ct);
        await Queue(Escalations.QueueName).SendMessageAsync("{\"tipId\":\"not an escalation\"}", Ct);

        // Both go to escalation-poison after maxDequeueCount deliveries, and its function tells the whole roster at once.
        await Eventually.TrueAsync(() => Task.FromResult(Notices().Count == 6), TimeSpan.FromSeconds(60), "six could-not-be-delivered notices");
        var notices = Notices();
        Assert.Equal([Amina, Bilal, Chloe], notices.Where(r => r.SmsBody!.Contains(alert.TipId, StringComparison.Ordinal)).Select(r => r.To).Order());
        Assert.Equal([Amina, Bilal, Chloe], notices.Where(r => !r.SmsBody!.Contains(alert.TipId, StringComparison.Ordinal)).Select(r => r.To).Order());
        Assert.Equal(2, app.Logs.Lines.Count(l => l.Contains("moved to escalation-poison", StringComparison.Ordinal)));
        Assert.Equal(2, app.Logs.Lines.Count(l => l.Contains("failed every delivery and is in escalation-poison", StringComparison.Ordinal)));
        Assert.Equal(2, Exported(telemetry, app, Hotline.Diagnostics.HotlineMetrics.PoisonMetric, "queue", "escalation-poison"));
        await Eventually.TrueAsync(async () => (await Queue(Escalations.QueueName + "-poison").GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(20), "escalation-poison handled");

        // Not lost: the escalation is still open, and once Twilio takes the sends the timer sends the step, once.
        Stub.Answer = _ => StubAnswer.Ok;
        Assert.True(await OverdueAsync(app));
        Assert.True(await OverdueAsync(app));
        Assert.Equal([Amina, Bilal], Steps(1).Where(r => r.Delivered).Select(r => r.To).Order());
        Assert.Equal(6, Notices().Count);

        // A poisoned copy of a step that was sent after all tells nobody (no false alarm).
        await Queue(Escalations.QueueName + "-poison").SendMessageAsync(new EscalationMessage(alert.TipId, Step: 1).ToJson(), Ct);
        await Eventually.TrueAsync(() => Task.FromResult(app.Logs.Lines.Any(l => l.Contains("its step sent meanwhile", StringComparison.Ordinal))), TimeSpan.FromSeconds(20), "the late copy handled");
        Assert.Equal(6, Notices().Count);
        AssertNothingSecretLogged(app);

        List<StubRequest> Notices() => Stub.Sms.Where(r => r.Delivered && r.SmsBody!.StartsWith("HOTLINE: AN ALERT COULD NOT BE DELIVERED", StringComparison.Ordinal)).ToList();
    }

    /// <summary>An urgent SMS report through the app, and its first page (dispatch invoked as the host would).</summary>
    private async Task<TriageMessage> UrgentCaseAsync(TestApp app)
    {
        var reply = await SmsAsync(app, TestTips.NewPhone(), PrivacyCanaries.Register("They locked us in the container, help now " + Guid.NewGuid()));
        Assert.StartsWith("Received, case ", reply, StringComparison.Ordinal);
        var triage = TriageMessage.Parse(Assert.Single(await Storage.DrainAsync("triage", Ct)).Body.ToString());
        Assert.Equal(Urgency.Urgent, triage.Urgency);
        Assert.True(await InvokeAsync(app, triage));
        return triage;
    }

    /// <summary>The responder tool, with storage only: no key (an acknowledgement decrypts nothing) and no pepper.</summary>
    private Task<Hotline.Tests.Cli.CliRun> ToolAsync(params string[] args) =>
        Hotline.Tests.Cli.CliRun.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Storage.ConnectionString, ["USER"] = "night-desk" }, ToolDirectory.Value, args);

    /// <summary>The tool, while the test takes the escalation queue for the app (whose listener is off), as the host would.</summary>
    private async Task<Hotline.Tests.Cli.CliRun> ToolServedAsync(TestApp app, params string[] args)
    {
        var run = ToolAsync(args);
        while (!run.IsCompleted)
        {
            await RunQueuedAsync(app);
            await Task.WhenAny(run, Task.Delay(100, Ct));
        }

        return await run;
    }

    // A working directory with no local.settings.json: the tool's settings are the ones given.
    private static readonly Lazy<string> ToolDirectory = new(() => Directory.CreateTempSubdirectory("hotline-ack-").FullName);

    private Task<TestApp> StartEscalatingAsync(Dictionary<string, string?>? extra = null, ExportedTelemetry? telemetry = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Twilio:WebhookBaseUrl"] = PublicBase,
            ["Responders:2:Name"] = "Chloe",
            ["Responders:2:Phone"] = Chloe,
            ["Responders:2:Escalation"] = "true",
        };
        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return StartAsync(listeners: false, extra: settings, afterApp: services =>
        {
            services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<Escalations>(sp, (TimeProvider)_clock)));
            services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<AlertDigest>(sp, (TimeProvider)_clock)));
            telemetry?.AddTo(services);
        });
    }

    /// <summary>What the app exported of <paramref name="metric"/> with <paramref name="tag"/> = <paramref name="value"/>: a counter's sum, a histogram's count.</summary>
    private static long Exported(ExportedTelemetry telemetry, TestApp app, string metric, string tag, string value)
    {
        telemetry.Flush(app.Services);
        return telemetry.Metrics.LastOrDefault(m => m.Name == metric) is not { } snapshot
            ? 0
            : snapshot.MetricPoints
                .Where(p => ExportedTelemetry.Tags(p).Any(t => t.Key == tag && t.Value?.ToString() == value))
                .Sum(p => snapshot.MetricType == OpenTelemetry.Metrics.MetricType.Histogram ? p.GetHistogramCount() : p.GetSumLong());
    }

    private static TriageMessage Urgent() => new(TipId.New().ToString(), Channel.Sms, Urgency.Urgent, new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero), "ar");

    private static Task<bool> EscalateAsync(TestApp app, string id, int step) =>
        InvokeAsync(app, new EscalationMessage(id, Step: step).ToJson(), function: EscalateAlertFunction.FunctionName);

    private static Task<bool> OverdueAsync(TestApp app) => InvokeAsync(app, "", function: EscalateOverdueFunction.FunctionName);

    /// <summary>Takes the escalation queue's visible messages (acknowledgements, notices) and runs each, as the listener would.</summary>
    private async Task RunQueuedAsync(TestApp app)
    {
        foreach (var message in await Storage.DrainAsync(Escalations.QueueName, Ct))
        {
            Assert.True(await InvokeAsync(app, message.Body.ToString(), function: EscalateAlertFunction.FunctionName));
        }
    }

    private List<StubRequest> Steps(int step) =>
        Stub.Sms.Where(r => r.SmsBody!.StartsWith($"HOTLINE: NOT ACKNOWLEDGED ({step}/3)\n", StringComparison.Ordinal)).ToList();

    private static async Task<string?> SmsAsync(TestApp app, string from, string body)
    {
        var request = await TwilioStub.InboundSmsAsync(PublicBase, from, body);
        using var message = request();
        using var response = await app.Http.SendAsync(message, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var replies = xml.Root!.Elements().Select(e => e.Value).ToList();
        return replies.Count == 0 ? null : string.Join('\n', replies);
    }

    private async Task<int> TipBlobCountAsync()
    {
        var tips = new BlobContainerClient(Storage.ConnectionString, "tips");
        var count = 0;
        await foreach (var _ in tips.GetBlobsAsync(cancellationToken: Ct))
        {
            count++;
        }

        return count;
    }

    private async Task<string> AuditAsync()
    {
        var audit = new BlobContainerClient(Storage.ConnectionString, Hotline.Cases.AuditLog.ContainerName);
        var text = new System.Text.StringBuilder();
        if (!await audit.ExistsAsync(Ct))
        {
            // Nothing was audited on this account yet.
            return string.Empty;
        }

        await foreach (var blob in audit.GetBlobsAsync(cancellationToken: Ct))
        {
            text.Append((await audit.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString());
        }

        return text.ToString();
    }
}
