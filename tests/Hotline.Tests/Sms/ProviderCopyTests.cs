using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Storage.Queues;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tests.Reliability;

namespace Hotline.Tests.Sms;

/// <summary>
/// Twilio's copy of an inbound SMS (body, number, time in the account's message log) is deleted once Hotline
/// has answered it and stored what it brought, never before (a message with media waits for its media: MediaTests);
/// a message Hotline sent is deleted once Twilio's signed status callback says it is final; the MessageSid is
/// sealed in the queue and never logged.
/// </summary>
public sealed class ProviderCopyTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private TwilioStub _twilio = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _twilio = await TwilioStub.StartAsync();
        var queue = Queue();
        await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
        await queue.ClearMessagesAsync(Ct);
    }

    public async ValueTask DisposeAsync() => await _twilio.DisposeAsync();

    [Fact]
    public async Task SmsInbound_StoredMessage_IsDeletedAtTwilioWithTheAccountsCredentials()
    {
        await using var app = await StartAsync(storage.ConnectionString, deleting: true);
        var (request, sid) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900301", "They took our passports at the farm");

        using var response = await app.Http.SendAsync(request(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Any(d => d.Answer == StubAnswer.Ok)), TimeSpan.FromSeconds(20));
        var delete = Assert.Single(_twilio.Deletes);
        Assert.Equal($"/2010-04-01/Accounts/{TwilioStub.AccountSid}/Messages/{sid}.json", delete.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioStub.AccountSid}:{TwilioStub.AuthToken}")), delete.Authorization);
        await Eventually.TrueAsync(async () => (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(sid, app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmsInbound_StorageDownThenTwilioRetries_DeletesOnlyAfterTheRetryStoredIt()
    {
        await using var outage = new StorageOutage(storage);
        await using var app = await StartAsync(outage.ConnectionString, deleting: true);
        var (request, sid) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900302", "We work without pay near the border");
        app.Http.Timeout = TimeSpan.FromSeconds(60);

        outage.Down();
        using (var refused = await app.Http.SendAsync(request(), Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }

        outage.Up();

        // The refused request queued no deletion. A deletion leaves the queue only once Twilio's copy is deleted, so
        // an empty queue and then no delete at the stub say it, with no wait (in the other order one could slip between).
        Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Empty(_twilio.Deletes);

        // Twilio's retry: the same request. Now it is stored, and only now does the copy go.
        using (var stored = await app.Http.SendAsync(request(), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Any(d => d.Path.EndsWith($"/Messages/{sid}.json", StringComparison.Ordinal))), TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task DeleteProviderCopy_TwilioFailsThenAccepts_DeletesTheMessage()
    {
        await using var app = await StartAsync(storage.ConnectionString, deleting: true);
        _twilio.Script(StubAnswer.ServerError, StubAnswer.TooManyRequests, StubAnswer.ServerError);
        var (request, sid) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900303", "They lock us in at night");

        using var response = await app.Http.SendAsync(request(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Any(d => d.Answer == StubAnswer.Ok)), TimeSpan.FromSeconds(30));
        Assert.Equal([StubAnswer.ServerError, StubAnswer.TooManyRequests, StubAnswer.ServerError, StubAnswer.Ok], _twilio.Deletes.Select(d => d.Answer));
        Assert.All(_twilio.Deletes, d => Assert.EndsWith($"/Messages/{sid}.json", d.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmsInbound_AnsweredMessage_QueuesItsDeletionSealedAndDelayed()
    {
        await using var app = await StartAsync(storage.ConnectionString, deleting: false, deleteAfter: "00:01:00");
        var (request, sid) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900304", "They took our passports");

        using var response = await app.Http.SendAsync(request(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = new QueueClient(storage.ConnectionString, "twilio-delete", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        Assert.Equal(1, (await raw.GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);

        // Delayed (DeleteAfter): not visible yet. Sealed: neither the MessageSid nor the number is in it.
        Assert.Empty((await raw.PeekMessagesAsync(cancellationToken: Ct)).Value);
        await using var visible = await StartAsync(storage.ConnectionString, deleting: false, deleteAfter: "00:00:00");
        var (second, secondSid) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900305", "We are kept in a house");
        using (var answered = await visible.Http.SendAsync(second(), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        var text = Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single((await raw.PeekMessagesAsync(cancellationToken: Ct)).Value).MessageText));
        Assert.StartsWith("s1.", text, StringComparison.Ordinal);
        foreach (var secret in new[] { sid, secondSid, "+447700900305", "447700900305" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }

        Assert.Empty(_twilio.Deletes);
    }

    [Fact]
    public async Task SmsInbound_MessageWithMedia_QueuesItsMediaSealedAndNoDeletionYet()
    {
        await using var app = await StartAsync(storage.ConnectionString, deleting: false, deleteAfter: "00:00:00");
        var media = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/MM0123456789abcdef0123456789abcdef/Media/ME0123456789abcdef0123456789abcdef";
        var (request, sid) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900306", "photo of the passport", mediaUrl: media);

        using var response = await app.Http.SendAsync(request(), Ct);

        // Deleting the message would delete its media at Twilio: it waits until the media is stored (MediaTests).
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        var raw = new QueueClient(storage.ConnectionString, "sms-media", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None });
        var text = Encoding.UTF8.GetString(Convert.FromBase64String(Assert.Single((await raw.PeekMessagesAsync(cancellationToken: Ct)).Value).MessageText));
        Assert.StartsWith("s1.", text, StringComparison.Ordinal);
        foreach (var secret in new[] { sid, media, "ME0123456789abcdef0123456789abcdef", "+447700900306", "447700900306", "passport" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, app.Logs.AllText, StringComparison.Ordinal);
        }

        await raw.ClearMessagesAsync(Ct);
    }

    [Fact]
    public async Task SmsStatus_AlertSentThenDelivered_IsDeletedOnlyAfterTheFinalStatus()
    {
        // A reply from the responder tool goes the same way (ResponderToolTests).
        await using var app = await StartAsync(storage.ConnectionString, deleting: true, dispatching: true);
        var sid = await AlertSidAsync(app);

        foreach (var status in new[] { "queued", "sent" })
        {
            using var interim = await app.Http.SendAsync((await TwilioStub.StatusCallbackAsync(TipTraffic.PublicBase, sid, status))(), Ct);
            Assert.Equal(HttpStatusCode.NoContent, interim.StatusCode);
        }

        // Each callback queues its deletion before it is answered: an empty queue, then no delete at the stub (in this
        // order: a deletion leaves the queue only once done), say no interim status queued one.
        Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Empty(_twilio.Deletes);

        using var delivered = await app.Http.SendAsync((await TwilioStub.StatusCallbackAsync(TipTraffic.PublicBase, sid, "delivered"))(), Ct);

        Assert.Equal(HttpStatusCode.NoContent, delivered.StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Deletes.Any(d => d.Answer == StubAnswer.Ok)), TimeSpan.FromSeconds(20));
        Assert.EndsWith($"/Messages/{sid}.json", Assert.Single(_twilio.Deletes).Path, StringComparison.Ordinal);
        Assert.DoesNotContain(sid, app.Logs.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("447700900999", app.Logs.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SmsStatus_CallbackForAnInboundMmsWhoseMediaIsNotStored_DeletesNothing()
    {
        // Hardening 2 (issue 26, item 8): any signed MessageSid was deleted, and deleting a message deletes its media.
        await using var app = await StartAsync(storage.ConnectionString, deleting: false);
        var messageSid = TwilioStub.NewMessageSid("MM");
        var media = _twilio.AddMedia(messageSid, "image/jpeg", [0xFF, 0xD8, 0xFF, 0xE0]);
        var (inbound, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900308", "photo of the passport", [(media, "image/jpeg")], messageSid);
        using (var answered = await app.Http.SendAsync(inbound(), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }

        var triage = (await storage.Queue("triage").GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;
        foreach (var status in new[] { "delivered", "undelivered", "failed", "canceled" })
        {
            using var response = await app.Http.SendAsync((await TwilioStub.StatusCallbackAsync(TipTraffic.PublicBase, messageSid, status, status is "undelivered" or "failed" ? "30003" : null))(), Ct);

            // Acknowledged (Twilio need not call again), and nothing queued: a deletion, or a re-routed alert, is queued before the answer.
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
            Assert.Equal(triage, (await storage.Queue("triage").GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        }

        Assert.Single(_twilio.Media, m => m.Value.MessageSid == messageSid);
        Assert.Contains(app.Logs.Lines, l => l.Contains("no record of sending", StringComparison.Ordinal));
        Assert.DoesNotContain(messageSid, app.Logs.AllText, StringComparison.Ordinal);
        await storage.Queue("sms-media").ClearMessagesAsync(Ct);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("empty")]
    [InlineData("ours in capitals")]
    [InlineData("not an account SID")]
    [InlineData("another account")]
    public async Task SmsStatus_CallbackNotNamingThisAccount_IsRefusedAndDeletesNothing(string how)
    {
        // Hardening 2 (issue 26, item 8): a callback without this account's AccountSid was acted on.
        await using var app = await StartAsync(storage.ConnectionString, deleting: false, dispatching: true);
        var sid = await AlertSidAsync(app);
        var callback = await TwilioStub.StatusCallbackAsync(TipTraffic.PublicBase, sid, "delivered", edit: form =>
        {
            switch (how)
            {
                case "missing":
                    form.Remove("AccountSid");
                    break;
                case "empty":
                    form["AccountSid"] = string.Empty;
                    break;
                case "ours in capitals":
                    form["AccountSid"] = "AC" + TwilioStub.AccountSid[2..].ToUpperInvariant();
                    break;
                case "another account":
                    form["AccountSid"] = "AC" + Guid.NewGuid().ToString("N");
                    break;
                default:
                    form["AccountSid"] = "PN" + TwilioStub.AccountSid[2..];
                    break;
            }
        });

        using (var refused = await app.Http.SendAsync(callback(), Ct))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        }

        // The same message's callback naming the account is acted on: the refusal, not the message, stopped it.
        using var accepted = await app.Http.SendAsync((await TwilioStub.StatusCallbackAsync(TipTraffic.PublicBase, sid, "delivered"))(), Ct);
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        Assert.Equal(1, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        var refusal = how == "another account" ? "signed for another Twilio account" : "AccountSid is missing or not this hotline's";
        Assert.Contains(app.Logs.Lines, l => l.Contains(refusal, StringComparison.Ordinal));
        await Queue().ClearMessagesAsync(Ct);
    }

    [Theory]
    [InlineData("unsigned")]
    [InlineData("forged")]
    [InlineData("bad-sid")]
    public async Task SmsStatus_NotFromTwilio_IsRefusedAndDeletesNothing(string how)
    {
        await using var app = await StartAsync(storage.ConnectionString, deleting: true);
        var request = (await TwilioStub.StatusCallbackAsync(TipTraffic.PublicBase, how == "bad-sid" ? "SM-not-a-sid" : TwilioStub.NewMessageSid(), "delivered"))();
        if (how == "unsigned")
        {
            request.Headers.Remove("X-Twilio-Signature");
        }
        else if (how == "forged")
        {
            request.Headers.Remove("X-Twilio-Signature");
            request.Headers.Add("X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        }

        using var response = await app.Http.SendAsync(request, Ct);

        Assert.Equal(how == "bad-sid" ? HttpStatusCode.BadRequest : HttpStatusCode.Forbidden, response.StatusCode);

        // Queue first, then the stub: a deletion leaves the queue only once Twilio's copy is deleted.
        Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
        Assert.Empty(_twilio.Deletes);
    }

    [Fact]
    public async Task SmsInbound_DeletionSwitchedOff_QueuesNothing()
    {
        await using var app = await StartAsync(storage.ConnectionString, deleting: false, deleteAfter: "00:00:00", switchedOn: false);
        var (request, _) = await TwilioStub.InboundAsync(TipTraffic.PublicBase, "+447700900307", "They took our passports");

        using var response = await app.Http.SendAsync(request(), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await Queue().GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount);
    }

    private QueueClient Queue() => storage.Queue("twilio-delete");

    /// <summary>A web report whose alert the app sends: the MessageSid Twilio gave that SMS.</summary>
    private async Task<string> AlertSidAsync(TestApp app)
    {
        var before = _twilio.Sms.Count;
        using (var tip = await app.Http.PostAsJsonAsync("/api/tips", new { message = "They took our passports " + Guid.NewGuid(), language = "en" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, tip.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(_twilio.Sms.Skip(before).Any(r => r.Delivered)), TimeSpan.FromSeconds(20), "the alert should be sent");
        var alert = _twilio.Sms.Skip(before).First(r => r.Delivered);
        Assert.Equal(TipTraffic.PublicBase + "/api/sms/status", alert.Form["StatusCallback"]);

        // Recorded as Hotline's before its delivery ends: once the triage queue is empty, it is.
        await Eventually.TrueAsync(async () => (await storage.Queue("triage").GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(20));
        return alert.Sid!;
    }

    private async Task<TestApp> StartAsync(string connectionString, bool deleting, string deleteAfter = "00:00:00", bool switchedOn = true, bool dispatching = false)
    {
        var settings = TestApp.BaseSettings(connectionString);
        foreach (var (key, value) in new Dictionary<string, string?>
        {
            ["AzureWebJobs:DeleteProviderCopy:Disabled"] = deleting ? "false" : "true",
            ["AzureWebJobs:DispatchTriage:Disabled"] = dispatching ? "false" : "true",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.500",
            ["Hotline:Twilio:DeleteProviderCopies"] = switchedOn ? "true" : "false",
            ["Hotline:Twilio:DeleteAfter"] = deleteAfter,
            ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:01",
            ["Hotline:Dispatch:Http:MaxRetries"] = "1",
            ["Hotline:Dispatch:Http:RetryBaseDelay"] = "00:00:00.020",
            ["Responders:0:Name"] = "On call",
            ["Responders:0:Phone"] = "+447700900555",
        }.Concat(_twilio.AppSettings(TipTraffic.PublicBase)))
        {
            settings[key] = value;
        }

        return await TestApp.StartAsync(settings, cancellationToken: Ct);
    }
}
