using System.Text.Json;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;

namespace Hotline.Tests.Sms;

/// <summary>
/// <c>scripts/send-sms.sh</c>, what a new user runs to try the SMS channel without a Twilio account: it signs a
/// webhook request as Twilio does, from the settings file's values, and prints Hotline's reply.
/// </summary>
public sealed class SendSmsScriptTests(OwnAzurite storage) : IClassFixture<OwnAzurite>
{
    private const string AuthToken = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private const string AccountSid = "ACfedcba9876543210fedcba9876543210";
    private const string PublicBase = "http://127.0.0.1:7071";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendSms_SettingsFileOfTheLocalApp_IsStoredAndPrintsTheReceiptThenAddsToTheCase()
    {
        await using var app = await StartAppAsync();
        var settings = await WriteSettingsAsync(AuthToken);
        var text = "They took our passports at the farm near Subotica " + Guid.NewGuid();

        var first = await SendAsync(app, settings, text);
        var second = await SendAsync(app, settings, "we are 12 people");

        Assert.StartsWith("Received, case ", first, StringComparison.Ordinal);
        Assert.True(TipId.TryParse(first["Received, case ".Length..].Split('.')[0], out var id), first);
        Assert.StartsWith("Added to case " + id, second, StringComparison.Ordinal);
        var report = await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id.Value), Ct);
        Assert.Equal(text, report.Message);
        Assert.Equal("+15005550010", report.Sender!.Phone);
    }

    [Fact]
    public async Task SendSms_WrongToken_FailsWithOneLineNamingTheSignature()
    {
        await using var app = await StartAppAsync();
        var settings = await WriteSettingsAsync("not-the-apps-token");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SendAsync(app, settings, "A report"));

        Assert.Contains("send-sms: Hotline answered 403 (the signature", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> SendAsync(TestApp app, string settings, string text) =>
        (await ChildProcess.RunAsync("bash", ["scripts/send-sms.sh", "--url", app.BaseAddress.ToString(), "--settings", settings, text], TimeSpan.FromMinutes(1), Ct)).Trim();

    private static async Task<string> WriteSettingsAsync(string token)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("hotline-send-sms-").FullName, "local.settings.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            Values = new Dictionary<string, string>
            {
                ["Twilio__AccountSid"] = AccountSid,
                ["Twilio__AuthToken"] = token,
                ["Twilio__PhoneNumber"] = "+15005550006",
                ["Twilio__WebhookBaseUrl"] = PublicBase,
            },
        }), Ct);
        return path;
    }

    private async Task<TestApp> StartAppAsync()
    {
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        settings["Twilio:AccountSid"] = AccountSid;
        settings["Twilio:AuthToken"] = AuthToken;
        settings["Twilio:PhoneNumber"] = "+15005550006";
        settings["Twilio:WebhookBaseUrl"] = PublicBase;
        settings["Twilio:ApiBaseUrl"] = "http://127.0.0.1:9";
        settings["Responders:0:Name"] = "On call";
        settings["Responders:0:Phone"] = "+15005550009";
        return await TestApp.StartAsync(settings, cancellationToken: Ct);
    }
}
