using System.Net;
using Hotline.Twilio;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// <see cref="TwilioSmsClient"/>: Twilio's own library sending through our HttpClient pipeline to the local
/// stand-in for Twilio's API (the one outside service), as it does in the app.
/// </summary>
public sealed class TwilioSmsClientTests : IAsyncLifetime
{
    private TwilioStub _twilio = null!;
    private ServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _twilio = await TwilioStub.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:AccountSid"] = TwilioStub.AccountSid,
            ["Twilio:AuthToken"] = TwilioStub.AuthToken,
            ["Twilio:PhoneNumber"] = TwilioStub.FromNumber,
            ["Twilio:ApiBaseUrl"] = _twilio.BaseAddress.ToString(),
            ["Twilio:MessagesPerSecond"] = "1000",
            ["Hotline:Dispatch:Http:MaxRetries"] = "0",
        }).Build();
        _services = new ServiceCollection().AddLogging().AddTwilioSms(configuration).BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _twilio.DisposeAsync();
    }

    [Fact]
    public async Task SendSmsAsync_Accepted_PostsTwilioMessagesResourceWithBasicAuthAndUtf8Body()
    {
        var result = await _services.GetRequiredService<TwilioSmsClient>().SendSmsAsync("+447700900101", "تنبيه: حالة جديدة", Ct);

        Assert.True(result.Succeeded);
        Assert.StartsWith("SM", result.MessageSid, StringComparison.Ordinal);
        var request = Assert.Single(_twilio.Sms);
        Assert.Equal($"/2010-04-01/Accounts/{TwilioStub.AccountSid}/Messages.json", request.Path);
        Assert.Equal("Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(TwilioStub.AccountSid + ":" + TwilioStub.AuthToken)), request.Authorization);
        Assert.Equal("+447700900101", request.To);
        Assert.Equal(TwilioStub.FromNumber, request.Form["From"]);
        Assert.Equal("تنبيه: حالة جديدة", request.SmsBody);
    }

    [Fact]
    public async Task SendSmsAsync_Refused_KeepsStatusAndCodeNotTheMessage()
    {
        // Twilio's error message quotes the number; only the status and code may be kept.
        _twilio.Answer = _ => StubAnswer.InvalidNumber;

        var result = await _services.GetRequiredService<TwilioSmsClient>().SendSmsAsync("+447700900101", "HOTLINE ALERT", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal(21211, result.ErrorCode);
        Assert.False(result.Succeeded);
        Assert.False(result.IsTransient);
        Assert.DoesNotContain("7700", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendSmsAsync_ServerErrorAfterRetries_IsTransient()
    {
        _twilio.Answer = _ => StubAnswer.ServerError;

        var result = await _services.GetRequiredService<TwilioSmsClient>().SendSmsAsync("+447700900101", "HOTLINE ALERT", Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, result.Status);
        Assert.True(result.IsTransient);
    }
}
