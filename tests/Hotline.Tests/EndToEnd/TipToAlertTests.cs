using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Twilio;

namespace Hotline.Tests.EndToEnd;

/// <summary>
/// The whole path in standalone mode: a tip comes in over HTTP (web form API or Twilio webhook), is
/// stored and queued, the in-process listener dispatches it, and the responder's alert reaches the
/// local stand-in for Twilio's API, carrying nothing of the tip.
/// </summary>
public sealed class TipToAlertTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string ResponderPhone = "+447700900555";
    private const string PublicBase = DispatchingApp.PublicBase;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private DispatchingApp? _run;

    private TestApp App => _run!.App;

    private TwilioStub Twilio => _run!.Twilio;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _run = await DispatchingApp.StartAsync(storage.ConnectionString, ResponderPhone, cancellationToken: Ct);

    public async ValueTask DisposeAsync()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }
    }

    [Fact]
    public async Task WebTip_Accepted_ReachesTheResponderAsAnAlertWithoutContent()
    {
        var text = PrivacyCanaries.Register("Eleven men sleep in the greenhouse and the boss has their passports " + Guid.NewGuid());

        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = text, location = "Almeria" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString()!;

        var alert = await AlertForAsync(receipt);
        Assert.Equal(ResponderPhone, alert.To);
        Assert.Contains("Urgency: URGENT", alert.SmsBody, StringComparison.Ordinal);
        Assert.Contains("Channel: web form", alert.SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain("greenhouse", alert.SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Almeria", alert.SmsBody, StringComparison.Ordinal);
        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
    }

    [Fact]
    public async Task SmsTip_ThenStop_AlertsWithoutTheNumberAndThenSaysDoNotReply()
    {
        var tipster = PrivacyCanaries.Register("+4477009" + Random.Shared.Next(10_000, 99_999).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var text = PrivacyCanaries.Register("Women are kept in the flat above the bar " + Guid.NewGuid());

        var reply = await SendSmsAsync(tipster, text);
        var receipt = System.Text.RegularExpressions.Regex.Match(reply, "[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}").Value;
        var alert = await AlertForAsync(receipt);
        Assert.Contains("Channel: SMS", alert.SmsBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(tipster, alert.SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain(tipster[1..], alert.SmsBody, StringComparison.Ordinal);
        Assert.DoesNotContain("flat above the bar", alert.SmsBody, StringComparison.Ordinal);

        await SendSmsAsync(tipster, "STOP");

        await Eventually.TrueAsync(() => Task.FromResult(Twilio.Sms.Count(r => r.SmsBody!.Contains(receipt, StringComparison.Ordinal)) == 2), Patience, "a second alert: contact paused");
        var paused = Twilio.Sms.Last(r => r.SmsBody!.Contains(receipt, StringComparison.Ordinal));
        Assert.Contains("do not reply", paused.SmsBody, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
    }

    [Fact]
    public async Task WebTip_InALanguageNoRulesRead_IsPagedHighAndTheAlertSaysTheLanguageWasNotRecognised()
    {
        // Armenian, which no triage rules read: "they locked us in a room and are beating us". Its words cannot
        // make it urgent, so it must not stay normal either.
        var text = PrivacyCanaries.Register("Մեզ փակել են սենյակում և ծեծում են " + Guid.NewGuid());

        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = text }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString()!;

        var alert = (await AlertForAsync(receipt)).SmsBody!;
        Assert.Contains("Urgency: high", alert, StringComparison.Ordinal);
        Assert.Contains("(not recognised, triage may miss words)", alert, StringComparison.Ordinal);
        Assert.Equal(306, alert.Length);
        Assert.DoesNotContain("Մեզ", alert, StringComparison.Ordinal);
        Assert.Empty(PrivacyCanaries.FoundIn(App.Logs.AllText));
    }

    private async Task<StubRequest> AlertForAsync(string receipt)
    {
        await Eventually.TrueAsync(() => Task.FromResult(Twilio.Sms.Any(r => r.SmsBody?.Contains(receipt, StringComparison.Ordinal) == true)), Patience, "the responder's alert for " + receipt);
        return Twilio.Sms.First(r => r.SmsBody!.Contains(receipt, StringComparison.Ordinal));
    }

    private async Task<string> SendSmsAsync(string from, string body)
    {
        using var request = (await TwilioStub.InboundSmsAsync(PublicBase, from, body))();
        using var response = await App.Http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).Root!.Element("Message")?.Value ?? string.Empty;
    }
}
