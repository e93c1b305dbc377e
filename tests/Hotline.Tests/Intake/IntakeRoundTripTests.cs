using System.Net;
using System.Net.Http.Json;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

/// <summary>
/// How many storage requests a tipster's answer waits on, in total and one after another, counted at the app's
/// storage transport (<see cref="CountingStorageTransport"/>) on real Azurite. These pin what intake costs today
/// (docs/reliability.md, "Storage round trips per tip"): a change that adds a request or a wait fails here and has
/// to say why in that table.
/// </summary>
public sealed class IntakeRoundTripTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string AuthToken = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string PublicBase = "https://hotline.example.org";
    private readonly CountingStorageTransport _transport = new();
    private TestApp? _app;

    private TestApp App => _app!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Twilio:AccountSid"] = AccountSid;
        settings["Twilio:AuthToken"] = AuthToken;
        settings["Twilio:PhoneNumber"] = "+447700900000";
        settings["Twilio:WebhookBaseUrl"] = PublicBase;
        settings["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9";
        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+447700900999";
        _app = await TestApp.StartAsync(settings, afterApp: _transport.Install, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task SubmitTip_WithoutKey_FilesInThreeRoundTripsAndTheFollowUpBesideThem()
    {
        using var recording = _transport.Watch();
        using (var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = "They keep us locked in the packing shed " + Guid.NewGuid(), language = "en" }, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        recording.Dispose();
        Report(recording);

        // The report (If-None-Match: *); then, at once, the case record and the alert's untriaged record; then the
        // triage message. Each stage needs the one before it to have happened (docs/reliability.md, "Nothing lost").
        Assert.Equal(["1: PUT tips/report", "2: PUT cases", "2: PUT intake/untriaged", "3: POST queue triage"], Stages(Filing(recording)));

        // Beside the filing, after the report and an Argon2id of the code (CPU, no storage): the follow-up's look-up blob,
        // the case key wrapped to the responders and its pointer, and the tipster's copy of the report. It runs beside the
        // filing chain, so it adds requests but no wait to the 202 unless Argon2id outlasts the filing.
        Assert.Equal(["PUT followup", "PUT tips/casekey", "PUT tips/conv", "PUT tips/lookup"], FollowUp(recording));
        Assert.Equal(8, recording.Requests.Count);
    }

    [Fact]
    public async Task SubmitTip_WithIdempotencyKey_AddsOneRoundTripForTheClaimAhead()
    {
        using var recording = _transport.Watch();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips")
        {
            Content = JsonContent.Create(new { message = "The agency took our passports at the airport " + Guid.NewGuid(), language = "en" }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString("N") } },
        };
        using (var response = await App.Http.SendAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        recording.Dispose();
        Report(recording);

        Assert.Equal(["1: PUT intake/idempotency", "2: PUT tips/report", "3: PUT cases", "3: PUT intake/untriaged", "4: POST queue triage"], Stages(Filing(recording)));
        Assert.Equal(["PUT followup", "PUT tips/casekey", "PUT tips/conv", "PUT tips/lookup"], FollowUp(recording));
    }

    [Fact]
    public async Task Sms_NewCaseAndFollowUp_WaitOnEightAndSevenRoundTrips()
    {
        var phone = TestTips.NewPhone();
        var first = await SmsAsync(phone, "They took my passport at the farm " + Guid.NewGuid());
        var followUp = await SmsAsync(phone, "The farm is the one past the river " + Guid.NewGuid());

        TestContext.Current.TestOutputHelper?.WriteLine("first message:");
        Report(first);
        TestContext.Current.TestOutputHelper?.WriteLine("follow-up:");
        Report(followUp);

        // A new case: the MessageSid record and the conversation pointer (read at once), a free case id, the pointer
        // committed under its ETag, the MessageSid record, the report, the case record and the untriaged record (at
        // once), the triage message, the deletion of Twilio's copy.
        Assert.Equal(
            ["1: GET intake/conversations", "1: GET intake/sms", "2: HEAD tips/report", "3: PUT intake/conversations", "4: PUT intake/sms", "5: PUT tips/report", "6: PUT cases", "6: PUT intake/untriaged", "7: POST queue triage", "8: POST queue twilio-delete"],
            Stages(first));

        // A follow-up in the conversation window: no id to draw and no alert, but the case record is read before it
        // is merged.
        Assert.Equal(
            ["1: GET intake/conversations", "1: GET intake/sms", "2: PUT intake/conversations", "3: PUT intake/sms", "4: PUT tips/message", "5: HEAD cases", "6: PUT cases", "7: POST queue twilio-delete"],
            Stages(followUp));
        Assert.Equal(10, first.Requests.Count);
        Assert.Equal(8, first.InSequence);
        Assert.Equal(8, followUp.Requests.Count);
        Assert.Equal(7, followUp.InSequence);
    }

    private async Task<CountingStorageTransport.Recording> SmsAsync(string phone, string body)
    {
        var parameters = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["NumMedia"] = "0",
            ["Body"] = body,
            ["From"] = phone,
            ["To"] = "+447700900000",
            ["AccountSid"] = AccountSid,
        };
        var recording = _transport.Watch();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(AuthToken, PublicBase + "/api/sms", parameters));
        using (var response = await App.Http.SendAsync(request, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var reply = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(reply.Contains("Received, case", StringComparison.Ordinal) || reply.Contains("Added to case", StringComparison.Ordinal), reply);
        }

        recording.Dispose();
        return recording;
    }

    private static string[] Stages(CountingStorageTransport.Recording recording) => Stages(recording.Requests);

    private static string[] Stages(IEnumerable<CountingStorageTransport.StorageRequest> requests) =>
        [.. requests.OrderBy(r => r.Depth).ThenBy(r => r.What, StringComparer.Ordinal).Select(r => $"{r.Depth}: {r.What}")];

    /// <summary>A web tip's follow-up writes: its code's look-up blob and the case's key and copies.</summary>
    private static bool IsFollowUp(CountingStorageTransport.StorageRequest r) =>
        r.What is "PUT followup" or "PUT tips/casekey" or "PUT tips/conv" or "PUT tips/lookup";

    /// <summary>The filing chain alone, with the depths it was sent at (the follow-up's writes run beside it and are timed by Argon2id).</summary>
    private static IEnumerable<CountingStorageTransport.StorageRequest> Filing(CountingStorageTransport.Recording recording) =>
        recording.Requests.Where(r => !IsFollowUp(r));

    private static string[] FollowUp(CountingStorageTransport.Recording recording) =>
        [.. recording.Requests.Where(IsFollowUp).Select(r => r.What).Order(StringComparer.Ordinal)];

    private static void Report(CountingStorageTransport.Recording recording)
    {
        foreach (var request in recording.Requests)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"  {request.Depth}: {request.What}");
        }
    }
}
