using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Triage;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// Hardening 2 (issue 26, item 2): an SMS alert Twilio accepted can still reach nobody (the phone is off), and
/// Twilio says so only in the signed status callback. Such an alert is marked in the ledger and routed again:
/// the next responder is paged, or, when it went to everyone, everyone gets the undelivered-alert notice;
/// once, however often Twilio calls; and Twilio's copy is deleted.
/// </summary>
[Collection(DispatchTestGroup.Name)]
public sealed class UndeliveredAlertTests(OwnAzurite storage) : DispatchTestBase(storage)
{
    private const string PublicBase = "https://hotline.example.org";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        var deletions = Queue("twilio-delete");
        await deletions.CreateIfNotExistsAsync(cancellationToken: Ct);
        await deletions.ClearMessagesAsync(Ct);
    }

    [Fact]
    public async Task SmsStatus_NormalAlertUndelivered_PagesTheNextResponderOnceMarksTheLedgerAndDeletesTheCopy()
    {
        await using var app = await StartAsync(listeners: true, extra: WithStatusCallbacks());
        var message = Message(Urgency.Normal);
        await SendAndWaitAsync(message);
        var page = Assert.Single(Stub.Sms);
        Assert.Equal(Amina, page.To);

        // Amina's phone is off (30003). Twilio's retry of the callback arrives while the first is being handled.
        var callback = await TwilioStub.StatusCallbackAsync(PublicBase, page.Sid!, "undelivered", "30003");
        var answers = await Task.WhenAll(PostAsync(app, callback()), PostAsync(app, callback()));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent], answers);
        await WaitUntilHandledAsync();
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To));
        Assert.Contains($"Receipt: {message.TipId}", Stub.Sms[1].SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain("COULD NOT BE DELIVERED", Stub.Sms[1].SmsBody, StringComparison.Ordinal);
        await AssertUndeliveredInLedgerAsync(message, "Amina", 30003);
        await AssertCopyDeletedAsync(page.Sid!);
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains("Responders__0 undelivered (Twilio error 30003)", StringComparison.Ordinal));
        Assert.DoesNotContain(page.Sid!, app.Logs.AllText, StringComparison.Ordinal);
        AssertNothingSecretLogged(app);
        await AssertSentRecordsHoldNothingAsync(message, Stub.Sms.Select(r => r.Sid!));
    }

    [Fact]
    public async Task SmsStatus_UrgentAlertUndelivered_SendsTheUndeliveredNoticeToEveryoneOnce()
    {
        await using var app = await StartAsync(listeners: true, extra: WithStatusCallbacks());
        var message = Message(Urgency.Urgent);
        await SendAndWaitAsync(message);
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To!).Order(StringComparer.Ordinal));
        var aminas = Assert.Single(Stub.Sms, r => r.To == Amina);

        var callback = await TwilioStub.StatusCallbackAsync(PublicBase, aminas.Sid!, "failed", "30005");
        var answers = await Task.WhenAll(PostAsync(app, callback()), PostAsync(app, callback()));

        Assert.Equal([HttpStatusCode.NoContent, HttpStatusCode.NoContent], answers);
        await WaitUntilHandledAsync();

        // Nobody takes Amina's place when everyone is paged: everyone learns the alert did not reach them all.
        var notices = Stub.Sms.Skip(2).ToList();
        Assert.Equal([Amina, Bilal], notices.Select(r => r.To!).Order(StringComparer.Ordinal));
        Assert.All(notices, n => Assert.StartsWith("HOTLINE: AN ALERT COULD NOT BE DELIVERED", n.SmsBody, StringComparison.Ordinal));
        Assert.All(notices, n => Assert.Contains($"Receipt: {message.TipId}", n.SmsBody, StringComparison.Ordinal));
        Assert.All(notices, n => Assert.Equal(306, n.SmsBody!.Length));
        await AssertUndeliveredInLedgerAsync(message, "Amina", 30005);
        await AssertCopyDeletedAsync(aminas.Sid!);
        Assert.Contains(app.Logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal) && l.Contains("Responders__0 failed (Twilio error 30005)", StringComparison.Ordinal));
        Assert.DoesNotContain(aminas.Sid!, app.Logs.AllText, StringComparison.Ordinal);
        AssertNothingSecretLogged(app);
    }

    /// <summary>
    /// Twilio's status callbacks and the deletion of its copies on. The stub never hangs here: a generous attempt
    /// timeout keeps a slow first request (a cold start) from being sent twice, which would blur "paged once".
    /// </summary>
    private static Dictionary<string, string?> WithStatusCallbacks() => new()
    {
        ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:05",
        ["Twilio:WebhookBaseUrl"] = PublicBase,
        ["AzureWebJobs:DeleteProviderCopy:Disabled"] = "false",
        ["Hotline:Twilio:DeleteAfter"] = "00:00:00",
    };

    /// <summary>The alert is queued and handled (its message gone from the queue): every page it makes is out.</summary>
    private async Task SendAndWaitAsync(TriageMessage message)
    {
        await Queue("triage").SendMessageAsync(message.ToJson(), Ct);
        await WaitUntilHandledAsync();
    }

    /// <summary>
    /// The callback queued the alert again before it answered, so once the queue is empty (a message being handled
    /// still counts) every page it led to is out.
    /// </summary>
    private async Task WaitUntilHandledAsync() =>
        await Eventually.TrueAsync(async () => (await Queue("triage").GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0, Patience, "the alert should be handled");

    private static async Task<HttpStatusCode> PostAsync(TestApp app, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await app.Http.SendAsync(request, Ct);
            return response.StatusCode;
        }
    }

    private async Task AssertUndeliveredInLedgerAsync(TriageMessage message, string responderName, int code)
    {
        var responder = new Responder("test", responderName, null, null, [], Urgency.Normal);
        var record = new BlobContainerClient(Storage.ConnectionString, AlertLedger.ContainerName)
            .GetBlobClient(AlertLedger.RecordName(AlertLedger.NameKey(TestKeys.PhonePepper), message.AlertKey, responder, "sms"));
        using var json = JsonDocument.Parse((await record.DownloadContentAsync(Ct)).Value.Content.ToString());
        Assert.Equal("undelivered", json.RootElement.GetProperty("state").GetString());
        Assert.Equal(code, json.RootElement.GetProperty("code").GetInt32());
    }

    private async Task AssertCopyDeletedAsync(string sid) =>
        await Eventually.TrueAsync(
            () => Task.FromResult(Stub.Deletes.Any(d => d.Delivered && d.Path == $"/2010-04-01/Accounts/{TwilioStub.AccountSid}/Messages/{sid}.json")),
            Patience,
            "Twilio's copy of the undelivered alert should be deleted");

    /// <summary>What the app keeps about the SMS it sent is sealed: no MessageSid, receipt, urgency or number in a name or content.</summary>
    private async Task AssertSentRecordsHoldNothingAsync(TriageMessage message, IEnumerable<string> sids)
    {
        var records = new List<(string Name, string Content)>();
        var intake = new BlobContainerClient(Storage.ConnectionString, "intake");
        await foreach (var blob in intake.GetBlobsAsync(BlobTraits.None, BlobStates.None, "sent/", Ct))
        {
            records.Add((blob.Name, (await intake.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString()));
        }

        Assert.NotEmpty(records);
        Assert.All(records, r =>
        {
            Assert.Matches("^sent/[0-9a-f]{64}$", r.Name);
            Assert.StartsWith("s1.", r.Content, StringComparison.Ordinal);
            foreach (var secret in sids.Concat([message.TipId, "normal", Amina, Bilal, "Responders__"]))
            {
                Assert.DoesNotContain(secret, r.Name + r.Content, StringComparison.Ordinal);
            }
        });
    }
}
