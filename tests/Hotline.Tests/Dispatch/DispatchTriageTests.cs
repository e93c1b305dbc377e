using System.Net;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Hotline.Triage;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Dispatch;

/// <summary>DispatchTriage end to end: the real app on a real Azurite, Twilio and webhooks stubbed locally.</summary>
[Collection(DispatchTestGroup.Name)]
public sealed class DispatchTriageTests(DispatchStorage storage) : IAsyncLifetime
{
    private const string Amina = "+447700900101";
    private const string Bilal = "+447700900102";
    private const string Chloe = "+447700900103";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private TwilioStub _stub = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _stub = await TwilioStub.StartAsync();
        foreach (var name in new[] { "triage", "triage-poison" })
        {
            var queue = Queue(name);
            await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
            await queue.ClearMessagesAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync() => await _stub.DisposeAsync();

    [Fact]
    public async Task DispatchTriage_UrgentAlert_SendsTwilioRequestsWithPathBasicAuthAndOnlyTheAlertFields()
    {
        await using var app = await StartAsync(listeners: false, extra: new()
        {
            ["Responders:0:WebhookUrl"] = _stub.WebhookUrl("team-a").ToString(),
            ["Responders:1:Languages"] = "ar,en",
        });
        var message = Message(Urgency.Urgent, contactPaused: true);

        using var response = await InvokeAsync(app, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sms = _stub.Sms;
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
                "Language: ar", "Tipster asked not to be contacted - do not reply.", "Open the responder tool."),
            System.Text.RegularExpressions.Regex.Replace(english, " +\n", "\n"));
        var arabic = sms.Single(r => r.To == Bilal).SmsBody!;
        Assert.Equal(335, arabic.Length);
        Assert.Contains("افتح أداة المستجيبين.", arabic, StringComparison.Ordinal);

        var webhook = Assert.Single(_stub.Webhooks);
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
        _stub.Script(StubAnswer.ServerError, StubAnswer.Hang);

        await Queue("triage").SendMessageAsync(Message(Urgency.High).ToJson(), Ct);

        await Eventually.TrueAsync(() => Task.FromResult(_stub.Sms.Any(r => r.Delivered)), Patience);
        await Eventually.TrueAsync(async () => (await Queue("triage").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);
        Assert.Equal([StubAnswer.ServerError, StubAnswer.Hang, StubAnswer.Ok], _stub.Sms.Select(r => r.Answer));
        Assert.Single(_stub.Sms, r => r.Delivered);
        Assert.Empty((await Queue("triage-poison").PeekMessagesAsync(cancellationToken: Ct)).Value);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_RedeliveredMessage_DoesNotPageAgain()
    {
        await using var app = await StartAsync(listeners: false);
        var message = Message(Urgency.Urgent);

        using var first = await InvokeAsync(app, message, dequeueCount: 1);
        using var again = await InvokeAsync(app, message, dequeueCount: 2);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal([Amina, Bilal], _stub.Sms.Select(r => r.To!).Order(StringComparer.Ordinal));

        // A new alert key (contact paused) is a new page; the same key still is not.
        using var paused = await InvokeAsync(app, message with { ContactPaused = true });
        Assert.Equal(4, _stub.Sms.Count);
    }

    [Fact]
    public async Task DispatchTriage_SendKeepsFailing_EndsInTriagePoisonAndRaisesThePoisonNotice()
    {
        await using var app = await StartAsync(listeners: true, responders: 1, extra: new()
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2",
            ["Hotline:Dispatch:Http:MaxRetries"] = "1",
        });
        _stub.Answer = r => r.SmsBody?.Contains("COULD NOT BE DELIVERED", StringComparison.Ordinal) == true ? StubAnswer.Ok : StubAnswer.ServerError;
        var message = Message(Urgency.Urgent);

        await Queue("triage").SendMessageAsync(message.ToJson(), Ct);

        await Eventually.TrueAsync(() => Task.FromResult(_stub.Sms.Any(r => r.Delivered)), Patience, "the poison notice should reach the responder");
        var notice = Assert.Single(_stub.Sms, r => r.Delivered);
        Assert.Equal(Amina, notice.To);
        Assert.Contains($"Receipt: {message.TipId}", notice.SmsBody, StringComparison.Ordinal);
        Assert.Equal(306, notice.SmsBody!.Length);
        Assert.Equal(4, _stub.Sms.Count(r => !r.Delivered)); // 2 deliveries x (1 attempt + 1 retry)
        Assert.Contains(app.Logs.Lines, l => l.Contains("moved to triage-poison", StringComparison.Ordinal));
        await Eventually.TrueAsync(async () => (await Queue("triage-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_FiveMessagesPerSecond_SpacesSendsAtLeastTheInterval()
    {
        var settings = new Dictionary<string, string?> { ["Twilio:MessagesPerSecond"] = "5" };
        for (var i = 2; i < 6; i++)
        {
            settings[$"Responders:{i}:Name"] = $"Responder {i}";
            settings[$"Responders:{i}:Phone"] = $"+44770090020{i}";
        }

        await using var app = await StartAsync(listeners: false, extra: settings);

        using var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var times = _stub.Sms.Select(r => r.At).Order().ToList();
        Assert.Equal(6, times.Count);

        // 200 ms apart; the tolerance covers loopback jitter between leaving the app and arriving here.
        var gaps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.All(gaps, gap => Assert.True(gap >= TimeSpan.FromMilliseconds(150), $"gap {gap.TotalMilliseconds} ms"));
        Assert.True(times[^1] - times[0] >= TimeSpan.FromMilliseconds(950), $"span {(times[^1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task DispatchTriage_HostInvocationAndListener_ProduceTheSameSends()
    {
        await using var app = await StartAsync(listeners: true, extra: new() { ["Responders:1:WebhookUrl"] = _stub.WebhookUrl("b").ToString() });
        var message = Message(Urgency.Urgent);

        using var response = await InvokeAsync(app, message);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var viaHost = Snapshot();
        Assert.Equal(3, viaHost.Count);

        // Forget the sends, then let the standalone listener deliver the same message.
        var ledger = new BlobContainerClient(storage.ConnectionString, "alerts");
        await foreach (var blob in ledger.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, message.TipId + "/", Ct))
        {
            await ledger.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }

        _stub.Requests.Clear();
        await Queue("triage").SendMessageAsync(message.ToJson(), Ct);
        await Eventually.TrueAsync(() => Task.FromResult(_stub.Requests.Count >= 3), Patience);
        await Eventually.TrueAsync(async () => (await Queue("triage").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);

        Assert.Equal(viaHost, Snapshot());
    }

    [Fact]
    public async Task DispatchTriage_TwilioRefusesANumber_LogsTheCodeAndAlertsTheOthers()
    {
        await using var app = await StartAsync(listeners: false);
        _stub.Answer = r => r.To == Amina ? StubAnswer.InvalidNumber : StubAnswer.Ok;

        using var response = await InvokeAsync(app, Message(Urgency.Urgent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_stub.Sms, r => r.To == Amina); // a 4xx is never retried
        Assert.Single(_stub.Sms, r => r.To == Bilal && r.Delivered);
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

        using var normal = await InvokeAsync(app, Message(Urgency.Normal));
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
        var page = Assert.Single(_stub.Sms);
        Assert.Equal(Chloe, page.To);
        Assert.StartsWith("ALERTE HOTLINE", page.SmsBody, StringComparison.Ordinal);

        using var urgent = await InvokeAsync(app, Message(Urgency.Urgent));
        Assert.Equal(4, _stub.Sms.Count);
    }

    [Fact]
    public async Task DispatchTriage_NoTwilioAccount_PrintsTheAlertToTheLogInstead()
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Responders:0:Name"] = "Amina";
        settings["Responders:0:Phone"] = Amina;
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);
        var message = Message(Urgency.Urgent);

        using var response = await InvokeAsync(app, message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_stub.Requests);
        Assert.Contains(app.Logs.Lines, l => l.Contains("printed here, not sent", StringComparison.Ordinal) && l.Contains("Receipt: " + message.TipId, StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Twilio is not configured", StringComparison.Ordinal) && l.Contains("1 responders", StringComparison.Ordinal));
        AssertNothingSecretLogged(app);
    }

    private List<string> Snapshot() =>
        _stub.Requests.Select(r => r.IsSms ? $"{r.Path} {r.To} {r.SmsBody}" : $"{r.Path} {r.Body}").Order(StringComparer.Ordinal).ToList();

    private static TriageMessage Message(Urgency urgency, bool? contactPaused = null) =>
        new("T" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant() + "-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant(),
            Channel.Sms, urgency, new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero), "ar", contactPaused);

    /// <summary>What the Functions host posts for a queue message: the JSON as a string, JSON-encoded once more.</summary>
    private static Task<HttpResponseMessage> InvokeAsync(TestApp app, TriageMessage message, int dequeueCount = 1)
    {
        var payload = JsonSerializer.Serialize(new
        {
            Data = new { message = JsonSerializer.Serialize(message.ToJson()) },
            Metadata = new { DequeueCount = dequeueCount, Id = JsonSerializer.Serialize(Guid.NewGuid().ToString()) },
        });
        return app.Http.PostAsync(new Uri("/DispatchTriage", UriKind.Relative), new StringContent(payload, Encoding.UTF8, "application/json"), Ct);
    }

    private QueueClient Queue(string name) =>
        new(storage.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private Task<TestApp> StartAsync(bool listeners, int responders = 2, Dictionary<string, string?>? extra = null)
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["AzureWebJobs:DispatchTriage:Disabled"] = listeners ? "false" : "true";
        settings["AzureWebJobs:DispatchTriagePoison:Disabled"] = listeners ? "false" : "true";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        settings["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00";
        settings["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3";
        settings["Twilio:AccountSid"] = TwilioStub.AccountSid;
        settings["Twilio:AuthToken"] = TwilioStub.AuthToken;
        settings["Twilio:PhoneNumber"] = TwilioStub.FromNumber;
        settings["Twilio:ApiBaseUrl"] = _stub.BaseAddress.ToString();
        settings["Twilio:MessagesPerSecond"] = "100";
        settings["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:00.300";
        settings["Hotline:Dispatch:Http:TotalTimeout"] = "00:00:05";
        settings["Hotline:Dispatch:Http:MaxRetries"] = "3";
        settings["Hotline:Dispatch:Http:RetryBaseDelay"] = "00:00:00.020";
        settings["Responders:0:Name"] = "Amina";
        settings["Responders:0:Phone"] = Amina;
        if (responders > 1)
        {
            settings["Responders:1:Name"] = "Bilal";
            settings["Responders:1:Phone"] = Bilal;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return TestApp.StartAsync(settings, cancellationToken: Ct);
    }

    /// <summary>No phone number (responders' or the hotline's), token or webhook address in any log line.</summary>
    private static void AssertNothingSecretLogged(TestApp app)
    {
        var text = app.Logs.AllText;
        foreach (var secret in new[] { Amina, Bilal, Chloe, TwilioStub.FromNumber, TwilioStub.AuthToken, "/hooks/", "+4477" })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' logged: {app.Logs.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal))}");
        }
    }
}
