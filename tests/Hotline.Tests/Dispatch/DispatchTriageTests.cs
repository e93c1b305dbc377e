using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hotline.Dispatch;
using Hotline.Functions.DispatchTriagePoison;
using Hotline.Functions.Http;
using Hotline.Tests.Infrastructure;
using Hotline.Triage;
using Hotline.Twilio;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Dispatch;

/// <summary>DispatchTriage end to end: the real app on a real Azurite, Twilio and webhooks stubbed locally.</summary>
[Collection(DispatchTestGroup.Name)]
public sealed class DispatchTriageTests(OwnAzurite storage) : DispatchTestBase(storage)
{
    [Fact]
    public async Task DispatchTriage_UrgentAlert_SendsTwilioRequestsWithPathBasicAuthAndOnlyTheAlertFields()
    {
        await using var app = await StartAsync(listeners: false, extra: new()
        {
            ["Responders:0:WebhookUrl"] = Stub.WebhookUrl("team-a").ToString(),
            ["Responders:1:Languages"] = "ar,en",
        });
        var message = Message(Urgency.Urgent, contactPaused: true);

        var response = await InvokeAsync(app, message);

        Assert.True(response, "the invocation should succeed");
        var sms = Stub.Sms;
        Assert.Equal(2, sms.Count);
        Assert.All(sms, r =>
        {
            Assert.Equal($"/2010-04-01/Accounts/{TwilioStub.AccountSid}/Messages.json", r.Path);
            Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioStub.AccountSid}:{TwilioStub.AuthToken}")), r.Authorization);
            Assert.Equal(["Body", "From", "To"], r.Form.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(TwilioStub.FromNumber, r.Form["From"]);
            Assert.Contains(message.TipId, r.SmsBody, StringComparison.Ordinal);
        });

        var english = sms.Single(r => r.To == Amina).SmsBody!;
        Assert.Equal(306, english.Length);
        Assert.Equal(
            string.Join('\n', "HOTLINE ALERT", "Urgency: URGENT", "Channel: SMS", $"Receipt: {message.TipId}", "Received: 2026-11-23 10:00 UTC",
                "Language: ar", "Tipster asked not to be contacted - do not reply.", $"Reply ACK {message.TipId} to take it.", "Open the responder tool."),
            System.Text.RegularExpressions.Regex.Replace(english, " +\n", "\n"));
        var arabic = sms.Single(r => r.To == Bilal).SmsBody!;
        Assert.Equal(335, arabic.Length);
        Assert.Contains("افتح أداة المستجيبين.", arabic, StringComparison.Ordinal);

        var webhook = Assert.Single(Stub.Webhooks);
        Assert.Equal("/hooks/team-a", webhook.Path);
        using var json = JsonDocument.Parse(webhook.Body);
        Assert.Equal(
            ["channel", "contactPaused", "kind", "language", "pointer", "receipt", "receivedAt", "text", "urgency"],
            json.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("urgent", json.RootElement.GetProperty("urgency").GetString());
        Assert.Equal(message.TipId, json.RootElement.GetProperty("receipt").GetString());
        Assert.True(json.RootElement.GetProperty("contactPaused").GetBoolean());
        Assert.Contains("Open the responder tool.", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_StubFailsTwiceThenSucceeds_DeliversExactlyOneAlert()
    {
        await using var app = await StartAsync(listeners: true, responders: 1);
        Stub.Script(StubAnswer.ServerError, StubAnswer.Hang);

        await Queue("triage").SendMessageAsync(Message(Urgency.High).ToJson(), Ct);

        await Eventually.TrueAsync(() => Task.FromResult(Stub.Sms.Any(r => r.Delivered)), Patience);
        await Eventually.TrueAsync(async () => (await Queue("triage").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);
        Assert.Equal([StubAnswer.ServerError, StubAnswer.Hang, StubAnswer.Ok], Stub.Sms.Select(r => r.Answer));
        Assert.Single(Stub.Sms, r => r.Delivered);
        Assert.Empty((await Queue("triage-poison").PeekMessagesAsync(cancellationToken: Ct)).Value);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_RedeliveredMessage_DoesNotPageAgain()
    {
        await using var app = await StartAsync(listeners: false);
        var message = Message(Urgency.Urgent);

        var first = await InvokeAsync(app, message, dequeueCount: 1);
        var again = await InvokeAsync(app, message, dequeueCount: 2);

        Assert.True(first, "the invocation should succeed");
        Assert.True(again, "the invocation should succeed");
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To!).Order(StringComparer.Ordinal));

        // A new alert key (contact paused) is a new page; the same key still is not.
        var paused = await InvokeAsync(app, message with { ContactPaused = true });
        Assert.Equal(4, Stub.Sms.Count);
    }

    [Fact]
    public async Task DispatchTriage_SendKeepsFailing_EndsInTriagePoisonAndRaisesThePoisonNotice()
    {
        await using var app = await StartAsync(listeners: true, responders: 1, extra: new()
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
            ["Hotline:Dispatch:Http:MaxRetries"] = "1",
        });
        Stub.Answer = r => r.SmsBody?.Contains("COULD NOT BE DELIVERED", StringComparison.Ordinal) == true ? StubAnswer.Ok : StubAnswer.ServerError;
        var message = Message(Urgency.Urgent);

        await Queue("triage").SendMessageAsync(message.ToJson(), Ct);

        await Eventually.TrueAsync(() => Task.FromResult(Stub.Sms.Any(r => r.Delivered)), Patience, "the poison notice should reach the responder");
        var notice = Assert.Single(Stub.Sms, r => r.Delivered);
        Assert.Equal(Amina, notice.To);
        Assert.Contains($"Receipt: {message.TipId}", notice.SmsBody, StringComparison.Ordinal);
        Assert.Equal(306, notice.SmsBody!.Length);
        Assert.Equal(4, Stub.Sms.Count(r => !r.Delivered)); // 2 deliveries x (1 attempt + 1 retry)
        Assert.Contains(app.Logs.Lines, l => l.Contains("moved to triage-poison", StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => (await Queue("triage-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_TwoMessagesPerSecond_SpacesSendsAtLeastTheInterval()
    {
        // A second and a half of pacing in all, three times the total timeout: waiting for a slot is not part of it.
        var settings = new Dictionary<string, string?> { ["Twilio:MessagesPerSecond"] = "2", ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:00.300", ["Hotline:Dispatch:Http:TotalTimeout"] = "00:00:00.500" };
        for (var i = 2; i < 4; i++)
        {
            settings[$"Responders:{i}:Name"] = $"Responder {i}";
            settings[$"Responders:{i}:Phone"] = $"+44770090020{i}";
        }

        await using var app = await StartAsync(listeners: false, extra: settings);

        var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.True(response, "the invocation should succeed");
        var times = Stub.Sms.Select(r => r.At).Order().ToList();
        Assert.Equal(4, times.Count);

        // Slots are 500 ms apart. No attempt timed out (there is no fifth request), so each request
        // reached the stub within the 300 ms attempt timeout of its slot: a bound, not a guess at
        // loopback jitter. Unpaced, all four would arrive within a few milliseconds.
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromMilliseconds(500 - 300), $"gap {gap.TotalMilliseconds} ms"));
        Assert.True(times[^1] - times[0] >= TimeSpan.FromMilliseconds(1500 - 300), $"span {(times[^1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task DispatchTriage_WorkerInvocationAndListener_ProduceTheSameSends()
    {
        await using var app = await StartAsync(listeners: true, extra: new() { ["Responders:1:WebhookUrl"] = Stub.WebhookUrl("b").ToString() });
        var message = Message(Urgency.Urgent);

        var response = await InvokeAsync(app, message);
        Assert.True(response, "the invocation should succeed");
        var viaHost = Snapshot();
        Assert.Equal(3, viaHost.Count);

        // Forget the sends, then let the standalone listener deliver the same message.
        var ledger = new BlobContainerClient(Storage.ConnectionString, "alerts");
        await foreach (var blob in ledger.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, message.TipId + "/", Ct))
        {
            await ledger.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }

        Stub.Requests.Clear();
        await Queue("triage").SendMessageAsync(message.ToJson(), Ct);
        await Eventually.TrueAsync(() => Task.FromResult(Stub.Requests.Count >= 3), Patience);
        await Eventually.TrueAsync(async () => (await Queue("triage").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);

        Assert.Equal(viaHost, Snapshot());
    }

    [Fact]
    public async Task DispatchTriage_TwilioRefusesANumber_LogsTheCodeAndAlertsTheOthers()
    {
        await using var app = await StartAsync(listeners: false);
        Stub.Answer = r => r.To == Amina ? StubAnswer.InvalidNumber : StubAnswer.Ok;

        var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.True(response, "the invocation should succeed");
        Assert.Single(Stub.Sms, r => r.To == Amina); // a 4xx is never retried
        Assert.Single(Stub.Sms, r => r.To == Bilal && r.Delivered);
        Assert.Contains(app.Logs.Lines, l => l.Contains("Twilio error 21211", StringComparison.Ordinal) && l.Contains("Responders__0", StringComparison.Ordinal));
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_NormalAlert_PagesOnlyTheFirstEligibleResponderWhoReadsTheLanguage()
    {
        await using var app = await StartAsync(listeners: false, extra: new()
        {
            ["Responders:0:MinUrgency"] = "urgent",
            ["Responders:2:Name"] = "Chloe",
            ["Responders:2:Phone"] = Chloe,
            ["Responders:2:Languages"] = "fr,ar",
        });

        var normal = await InvokeAsync(app, Message(Urgency.Normal));
        Assert.True(normal, "the invocation should succeed");
        var page = Assert.Single(Stub.Sms);
        Assert.Equal(Chloe, page.To);
        Assert.StartsWith("ALERTE HOTLINE", page.SmsBody, StringComparison.Ordinal);

        var urgent = await InvokeAsync(app, Message(Urgency.Urgent));
        Assert.Equal(4, Stub.Sms.Count);
    }

    [Fact]
    public async Task DispatchTriage_NoTwilioAccount_PrintsTheAlertToTheLogInstead()
    {
        var settings = TestApp.BaseSettings(Storage.ConnectionString);
        settings["Responders:0:Name"] = "Amina";
        settings["Responders:0:Phone"] = Amina;
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);
        var message = Message(Urgency.Urgent);

        var response = await InvokeAsync(app, message);

        Assert.True(response, "the invocation should succeed");
        Assert.Empty(Stub.Requests);
        Assert.Contains(app.Logs.Lines, l => l.Contains("printed here, not sent", StringComparison.Ordinal) && l.Contains("Receipt: " + message.TipId, StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Twilio is not configured", StringComparison.Ordinal) && l.Contains("1 responders", StringComparison.Ordinal));
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_SameAlertTwiceAtOnce_PagesEachResponderOnce()
    {
        await using var app = await StartAsync(listeners: false, extra: new()
        {
            ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:10",
            ["Hotline:Dispatch:Http:TotalTimeout"] = "00:00:20",
        });
        var twilioBusy = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Stub.Gate = twilioBusy.Task;
        var message = Message(Urgency.Urgent);

        // The first delivery's two SMS are at Twilio, unanswered, when the duplicate comes in.
        var first = InvokeAsync(app, message);
        await Eventually.TrueAsync(() => Task.FromResult(Stub.Sms.Count == 2), Patience, "the first delivery should be sending");
        var second = InvokeAsync(app, message, dequeueCount: 1);
        await Eventually.TrueAsync(() => Task.FromResult(second.IsCompleted || Stub.Sms.Count > 2), Patience, "the duplicate should settle or send");
        twilioBusy.SetResult();
        var firstResponse = await first;
        var secondResponse = await second;

        Assert.True(firstResponse, "the invocation should succeed");
        Assert.False(secondResponse, "the invocation should fail, so the host retries it"); // not done by it: retried
        Assert.Contains(app.Logs.Lines, l => l.Contains("another delivery of this alert is sending sms to Responders__0", StringComparison.Ordinal));

        var retried = await InvokeAsync(app, message, dequeueCount: 2);
        Assert.True(retried, "the invocation should succeed");
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To!).Order(StringComparer.Ordinal));
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_StaleClaimOfADeadDelivery_IsTakenOverAndSentOnce()
    {
        await using var app = await StartAsync(listeners: false, responders: 1);
        var message = Message(Urgency.Urgent);
        var record = await ClaimAminasSmsAsync(message, claimedAt: DateTimeOffset.UtcNow.AddHours(-1));

        var response = await InvokeAsync(app, message);
        var again = await InvokeAsync(app, message, dequeueCount: 2);

        Assert.True(response, "the invocation should succeed");
        Assert.True(again, "the invocation should succeed");
        Assert.Single(Stub.Sms, r => r.To == Amina && r.Delivered);
        Assert.Single(Stub.Sms);
        Assert.Contains("\"state\":\"sent\"", (await record.DownloadContentAsync(Ct)).Value.Content.ToString(), StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.Contains("taking it over", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchTriage_FreshClaimHeldElsewhere_SendsNothingAndFails()
    {
        await using var app = await StartAsync(listeners: false, responders: 1);
        var message = Message(Urgency.Normal);
        await ClaimAminasSmsAsync(message, claimedAt: DateTimeOffset.UtcNow);

        var response = await InvokeAsync(app, message);

        Assert.False(response, "the invocation should fail, so the host retries it");
        Assert.Empty(Stub.Requests);
    }

    [Fact]
    public async Task DispatchTriage_RefusedSend_IsRecordedAndNotSentAgainOnRedelivery()
    {
        await using var app = await StartAsync(listeners: false, extra: new() { ["Hotline:Dispatch:Http:MaxRetries"] = "1" });
        var bilalFails = true;
        Stub.Answer = r => r.To == Amina ? StubAnswer.InvalidNumber : Volatile.Read(ref bilalFails) ? StubAnswer.ServerError : StubAnswer.Ok;
        var message = Message(Urgency.Urgent);

        var first = await InvokeAsync(app, message);
        Volatile.Write(ref bilalFails, false);
        var retried = await InvokeAsync(app, message, dequeueCount: 2);

        Assert.False(first, "the invocation should fail, so the host retries it"); // Bilal not reached yet
        Assert.True(retried, "the invocation should succeed");
        Assert.Single(Stub.Sms, r => r.To == Amina); // the refusal was recorded: not sent again
        Assert.Single(Stub.Sms, r => r.To == Bilal && r.Delivered);
        var record = (await (await LedgerRecordAsync(message, "Amina", "sms")).DownloadContentAsync(Ct)).Value.Content.ToString();
        Assert.Contains("\"state\":\"refused\"", record, StringComparison.Ordinal);
        Assert.Contains("\"code\":21211", record, StringComparison.Ordinal);
        Assert.DoesNotContain("+44", record, StringComparison.Ordinal);
        Assert.Contains(app.Logs.Lines, l => l.Contains("was refused for good before (HTTP 400, Twilio error 21211)", StringComparison.Ordinal));
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_PageEveryoneSmsFailsWebhookDelivers_FailsThenRetriesOnlyTheSms()
    {
        await using var app = await StartAsync(listeners: false, responders: 1, extra: new()
        {
            ["Responders:0:WebhookUrl"] = Stub.WebhookUrl("amina").ToString(),
            ["Hotline:Dispatch:Http:MaxRetries"] = "0",
        });
        var smsFails = true;
        Stub.Answer = r => r.IsSms && Volatile.Read(ref smsFails) ? StubAnswer.ServerError : StubAnswer.Ok;
        var message = Message(Urgency.Urgent);

        var first = await InvokeAsync(app, message);
        Volatile.Write(ref smsFails, false);
        var retried = await InvokeAsync(app, message, dequeueCount: 2);

        Assert.False(first, "the invocation should fail, so the host retries it");
        Assert.True(retried, "the invocation should succeed");
        Assert.Equal([StubAnswer.ServerError, StubAnswer.Ok], Stub.Sms.Select(r => r.Answer));
        Assert.Single(Stub.Webhooks);
    }

    [Fact]
    public async Task DispatchTriage_FirstReachedOnWebhookWhileSmsFails_SucceedsAndSaysTheSmsIsNotRetried()
    {
        await using var app = await StartAsync(listeners: false, extra: new()
        {
            ["Responders:0:WebhookUrl"] = Stub.WebhookUrl("amina").ToString(),
            ["Hotline:Dispatch:Http:MaxRetries"] = "0",
        });
        Stub.Answer = r => r.IsSms ? StubAnswer.ServerError : StubAnswer.Ok;

        var response = await InvokeAsync(app, Message(Urgency.Normal));

        Assert.True(response, "the invocation should succeed");
        Assert.Single(Stub.Webhooks);
        Assert.Single(Stub.Sms, r => r.To == Amina);
        Assert.DoesNotContain(Stub.Sms, r => r.To == Bilal); // Amina was reached: nobody else paged
        Assert.Contains(app.Logs.Lines, l => l.Contains("Responders__0 was reached on another channel", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("will be retried", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchTriage_RetriedSend_WaitsForItsPacerSlotOutsideTheAttemptTimeout()
    {
        // One slot a second, far longer than an attempt may take (300 ms): the retry must wait its
        // turn, and the wait must not count as the attempt.
        await using var app = await StartAsync(listeners: false, responders: 1, extra: new() { ["Twilio:MessagesPerSecond"] = "1", ["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:00.300" });
        Stub.Script(StubAnswer.ServerError);

        var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.True(response, "the invocation should succeed");
        Assert.Equal([StubAnswer.ServerError, StubAnswer.Ok], Stub.Sms.Select(r => r.Answer));

        // Not a timing guess but a bound: the first attempt did not time out (there are exactly two
        // requests), so the stub saw it within 300 ms of its slot, and the retry's slot came a full
        // second after that one. A slow first connection narrows the gap; it cannot close it below this.
        var gap = Stub.Sms[1].At - Stub.Sms[0].At;
        Assert.True(gap >= TimeSpan.FromMilliseconds(1000 - 300 - 10), $"gap {gap.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task DispatchTriage_TwilioAsksToRetryInAnHour_RetriesAfterTheCapAndDeliversOnce()
    {
        await using var app = await StartAsync(listeners: false, responders: 1, extra: new() { ["Hotline:Dispatch:Http:MaxRetryAfter"] = "00:00:00.050" });
        Stub.RetryAfterSeconds = 3600;
        Stub.Script(StubAnswer.TooManyRequests);

        var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.True(response, "the invocation should succeed");
        Assert.Equal([StubAnswer.TooManyRequests, StubAnswer.Ok], Stub.Sms.Select(r => r.Answer));
        Assert.Single(Stub.Sms, r => r.Delivered);
    }

    [Fact]
    public async Task DispatchTriage_AlertHttpClients_LeaveEveryTimeoutToThePipeline()
    {
        await using var app = await StartAsync(listeners: false);
        var clients = app.Services.GetRequiredService<IHttpClientFactory>();

        // HttpClient's own 100 s would also run through the wait for a pacer slot.
        Assert.Equal(Timeout.InfiniteTimeSpan, clients.CreateClient(TwilioSmsClient.HttpClientName).Timeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, clients.CreateClient(WebhookAlertClient.HttpClientName).Timeout);
    }

    [Fact]
    public async Task DispatchTriage_MessagingServiceConfigured_SendsMessagingServiceSidInsteadOfFrom()
    {
        const string service = "MG0123456789abcdef0123456789abcdef";
        await using var app = await StartAsync(listeners: false, responders: 1, extra: new() { ["Twilio:MessagingServiceSid"] = service });

        var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.True(response, "the invocation should succeed");
        var sms = Assert.Single(Stub.Sms);
        Assert.Equal(["Body", "MessagingServiceSid", "To"], sms.Form.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(service, sms.Form["MessagingServiceSid"]);
    }

    [Fact]
    public async Task DispatchTriage_WebhookAnswers5xxThen200_IsRetriedAndPostedOnce()
    {
        await using var app = await StartAsync(listeners: false, responders: 1, extra: new() { ["Responders:0:WebhookUrl"] = Stub.WebhookUrl("amina").ToString() });
        var failures = 1;
        Stub.Answer = r => !r.IsSms && Interlocked.Decrement(ref failures) >= 0 ? StubAnswer.ServerError : StubAnswer.Ok;

        var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.True(response, "the invocation should succeed");
        Assert.Equal([StubAnswer.ServerError, StubAnswer.Ok], Stub.Webhooks.Select(r => r.Answer));
    }

    [Fact]
    public async Task DispatchTriage_WebhookAnswers4xx_IsNotRetriedAndTheOthersAreAlerted()
    {
        await using var app = await StartAsync(listeners: false, extra: new() { ["Responders:0:WebhookUrl"] = Stub.WebhookUrl("amina").ToString() });
        Stub.Answer = r => r.IsSms ? StubAnswer.Ok : StubAnswer.InvalidNumber;
        var message = Message(Urgency.Urgent);

        var response = await InvokeAsync(app, message);
        var again = await InvokeAsync(app, message, dequeueCount: 2);

        Assert.True(response, "the invocation should succeed");
        Assert.True(again, "the invocation should succeed");
        Assert.Single(Stub.Webhooks); // neither retried nor sent again on redelivery
        Assert.Equal([Amina, Bilal], Stub.Sms.Where(r => r.Delivered).Select(r => r.To!).Order(StringComparer.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("webhook to Responders__0 was refused for good (HTTP 400", StringComparison.Ordinal));
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_NoResponderOnTheRoster_PrintsTheAlertOnceAndSucceeds()
    {
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(Storage.ConnectionString), cancellationToken: Ct);
        var message = Message(Urgency.Urgent);

        var response = await InvokeAsync(app, message);

        Assert.True(response, "the invocation should succeed");
        Assert.Empty(Stub.Requests);
        var printed = Assert.Single(app.Logs.Lines, l => l.Contains("No responder on the roster: nobody was paged", StringComparison.Ordinal));
        Assert.Contains("Receipt: " + message.TipId, printed, StringComparison.Ordinal);
        Assert.Contains("Open the responder tool.", printed, StringComparison.Ordinal);
    }

    /// <summary>A claim on Amina's SMS as another delivery would have left it.</summary>
    /// <summary>
    /// A copy of an alert can reach the poison queue only because the other copy was busy delivering
    /// it (each of its deliveries found a fresh claim). The ledger shows the alert went out: no
    /// "could not be delivered" notice, which would send the whole team looking for a failure.
    /// </summary>
    [Fact]
    public async Task DispatchTriagePoison_CopyOfAnAlertThatWasDelivered_RaisesNoNotice()
    {
        await using var app = await StartAsync(listeners: false);
        var message = Message(Urgency.Urgent);
        var delivered = await InvokeAsync(app, message);
        Assert.True(delivered, "the invocation should succeed");

        var poisoned = await InvokeAsync(app, message, dequeueCount: 1, function: "DispatchTriagePoison");

        Assert.True(poisoned, "the invocation should succeed");
        Assert.Equal(2, Stub.Sms.Count);
        Assert.DoesNotContain(Stub.Sms, r => r.SmsBody!.Contains("COULD NOT BE DELIVERED", StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("the ledger shows delivered", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchTriagePoison_AlertDeliveredToSomeoneButNotEveryone_StillRaisesTheNotice()
    {
        await using var app = await StartAsync(listeners: false);
        var message = Message(Urgency.Urgent);
        Stub.Answer = r => r.To == Bilal ? StubAnswer.ServerError : StubAnswer.Ok;
        var partly = await InvokeAsync(app, message);
        Assert.False(partly, "the invocation should fail, so the host retries it");
        Stub.Answer = _ => StubAnswer.Ok;

        var poisoned = await InvokeAsync(app, message, dequeueCount: 1, function: "DispatchTriagePoison");

        Assert.True(poisoned, "the invocation should succeed");
        Assert.Equal([Amina, Bilal], Stub.Sms.Where(r => r.Delivered && r.SmsBody!.Contains("COULD NOT BE DELIVERED", StringComparison.Ordinal)).Select(r => r.To!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DispatchTriage_LanguageTagOf17To35Characters_PagesWithTheReceiptAndPrintsOther()
    {
        // Hardening 1: intake accepts tags up to 35 characters; dispatch used to poison anything over 16,
        // so responders got "could not be delivered ... Receipt: ?" instead of the alert.
        await using var app = await StartAsync(listeners: false);
        var message = Message(Urgency.Urgent) with { Language = "hu-Latn-HU-u-nu-latn-x-hotline" };

        var delivered = await InvokeAsync(app, message);

        Assert.True(delivered, "the invocation should succeed");
        Assert.All(Stub.Sms, r => Assert.Contains("Receipt: " + message.TipId, r.SmsBody, StringComparison.Ordinal));
        Assert.All(Stub.Sms, r => Assert.Contains("Language: other", r.SmsBody, StringComparison.Ordinal));
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DispatchTriagePoison_UnreadableMessageWithAReceipt_NoticeCarriesTheReceipt()
    {
        // Hardening 1: whenever the tip id can be read, the notice names the case.
        await using var app = await StartAsync(listeners: false);

        var noticed = await InvokeAsync(app, "{\"tipId\":\"K7QF-2M9X-4TJD\",\"urgency\":\"unheard-of\"}", function: "DispatchTriagePoison");

        Assert.True(noticed, "the invocation should succeed");
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To!).Order(StringComparer.Ordinal));
        Assert.All(Stub.Sms, r => Assert.Contains("Receipt: K7QF-2M9X-4TJD", r.SmsBody, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchTriagePoison_NoticeOfANormalAlert_FollowsMinUrgencyLikeAnyAlert()
    {
        // Hardening 1: a notice goes to those the alert was for, on every channel; Amina takes urgent only.
        await using var app = await StartAsync(listeners: false, extra: new() { ["Responders:0:MinUrgency"] = "urgent" });

        var noticed = await InvokeAsync(app, Message(Urgency.Normal), function: "DispatchTriagePoison");

        Assert.True(noticed, "the invocation should succeed");
        var notice = Assert.Single(Stub.Sms);
        Assert.Equal(Bilal, notice.To);
        Assert.Contains("COULD NOT BE DELIVERED", notice.SmsBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AlertLedger_RecordNames_CarryTheReceiptAndAKeyedHashOnly()
    {
        // Hardening 9: record names used to hold the urgency, an unkeyed hash of the responder's name and the channel.
        await using var app = await StartAsync(listeners: false, extra: new() { ["Responders:1:WebhookUrl"] = Stub.WebhookUrl("b").ToString() });
        var message = Message(Urgency.Urgent, contactPaused: true);

        Assert.True(await InvokeAsync(app, message), "the invocation should succeed");

        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(Storage.ConnectionString, "alerts").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, message.TipId + "/", Ct))
        {
            names.Add(blob.Name);
        }

        // Three sends and the escalation record of the urgent alert, named as a send record is.
        Assert.Equal(4, names.Count);
        var unkeyed = new[] { "Amina", "Bilal" }.Select(n => new Responder("test", n, null, null, [], Urgency.Normal).Key);
        Assert.All(names, n => Assert.Matches("^" + message.TipId + "/[0-9a-f]{32}$", n));
        Assert.All(names, n => Assert.DoesNotContain(unkeyed, k => n.Contains(k, StringComparison.Ordinal)));
    }

    private async Task<BlobClient> ClaimAminasSmsAsync(TriageMessage message, DateTimeOffset claimedAt)
    {
        var record = await LedgerRecordAsync(message, "Amina", "sms");
        await record.UploadAsync(BinaryData.FromString($"{{\"state\":\"sending\",\"at\":\"{claimedAt:O}\"}}"), Ct);
        return record;
    }

    /// <summary>The send record of one (alert, responder, channel), as the ledger names it.</summary>
    private async Task<BlobClient> LedgerRecordAsync(TriageMessage message, string responderName, string channel)
    {
        var container = new BlobContainerClient(Storage.ConnectionString, AlertLedger.ContainerName);
        await container.CreateIfNotExistsAsync(cancellationToken: Ct);
        var responder = new Responder("test", responderName, null, null, [], Urgency.Normal);
        return container.GetBlobClient(AlertLedger.RecordName(AlertLedger.NameKey(TestKeys.PhonePepper), message.AlertKey, responder, channel));
    }

    private List<string> Snapshot() =>
        Stub.Requests.Select(r => r.IsSms ? $"{r.Path} {r.To} {r.SmsBody}" : $"{r.Path} {r.Body}").Order(StringComparer.Ordinal).ToList();
}
