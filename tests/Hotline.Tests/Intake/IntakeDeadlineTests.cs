using System.Net;
using System.Net.Http.Json;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

/// <summary>
/// Hardening 8: a hung storage account (connections accepted, never answered) must not hold a tipster's
/// request for the SDK's timeouts times its retries (about two minutes): intake answers 503 with
/// Retry-After once its deadline passes.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class IntakeDeadlineTests : IAsyncLifetime
{
    private const string PublicBase = "https://hotline.example.org";
    private const string AuthToken = "deadline-test-auth-token-7c1f";
    private readonly SilentStorage _storage = new();
    private TestApp? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var settings = TestApp.BaseSettings(_storage.ConnectionString);
        settings["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef";
        settings["Twilio:AuthToken"] = AuthToken;
        settings["Twilio:PhoneNumber"] = "+447700900000";
        settings["Twilio:WebhookBaseUrl"] = PublicBase;
        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+447700900999";
        _app = await TestApp.StartBeforeStorageIsReadyAsync(settings, cancellationToken: Ct);

        // Far longer than the deadline, far shorter than the SDK's retries on a hung connection.
        _app.Http.Timeout = TimeSpan.FromSeconds(45);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _storage.Dispose();
    }

    [Fact]
    public async Task SubmitTip_StorageHangs_Answers503WithRetryAfterWithinTheDeadline()
    {
        using var response = await _app!.Http.PostAsJsonAsync("/api/tips", new { message = "They took our passports " + Guid.NewGuid() }, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(_storage.Connections > 0, "the app should have tried the hung storage");
    }

    [Fact]
    public async Task SubmitTip_StorageHangsOnAFormPost_Answers503PageWithinTheDeadline()
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "We work without pay " + Guid.NewGuid(), ["language"] = "fa" });

        using var response = await _app!.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SmsInbound_StorageHangs_Answers503SoTwilioRetries()
    {
        var parameters = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["From"] = "+447700900123",
            ["To"] = "+447700900000",
            ["Body"] = "They lock us in at night " + Guid.NewGuid(),
            ["NumMedia"] = "0",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(parameters) };
        request.Headers.Add("X-Twilio-Signature", TwilioSigning.Sign(AuthToken, PublicBase + "/api/sms", parameters));

        using var response = await _app!.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
