using Hotline.Tests.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Dispatch;

public sealed class DispatchStartupTests
{
    // Validation runs before storage is touched: no Azurite needed.
    private const string Storage = "UseDevelopmentStorage=true";

    [Fact]
    public async Task Start_BadResponderPhone_FailsNamingTheSettingNotTheValue()
    {
        var settings = TestApp.BaseSettings(Storage);
        settings["Responders:1:Name"] = "Amina";
        settings["Responders:1:Phone"] = "07700 900101";
        var app = TestApp.Build(settings, new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Responders__1__Phone is not an E.164 number", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("900101", ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("Hotline:Dispatch:DigestAfter", "-1", "Hotline__Dispatch__DigestAfter must be 0 (never digest) or more.")]
    [InlineData("Hotline:Dispatch:DigestWindow", "00:00:10", "Hotline__Dispatch__DigestWindow must be between 00:01:00 and 1.00:00:00.")]
    [InlineData("Hotline:Dispatch:DigestWindow", "2.00:00:00", "Hotline__Dispatch__DigestWindow must be between 00:01:00 and 1.00:00:00.")]
    [InlineData("SweepUntriagedSchedule", "every five minutes", "SweepUntriagedSchedule is not a six-field NCRONTAB schedule (e.g. 0 */5 * * * *).")]
    [InlineData("ExpireCasesSchedule", "daily", "ExpireCasesSchedule is not a six-field NCRONTAB schedule (e.g. 0 30 3 * * *).")]
    [InlineData("Hotline:Sweep:Grace", "-00:01:00", "Hotline__Sweep__Grace must be between 00:00:00 and 1.00:00:00.")]
    public async Task Start_DigestOrSweepSettingOutOfRange_FailsNamingTheSetting(string setting, string value, string message)
    {
        var settings = TestApp.BaseSettings(Storage);
        settings[setting] = value;
        var app = TestApp.Build(settings, new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Start_TwilioPartlyConfigured_FailsNamingTheMissingSetting()
    {
        var settings = TestApp.BaseSettings(Storage);
        settings["Twilio:AccountSid"] = TwilioStub.AccountSid;
        settings["Twilio:PhoneNumber"] = TwilioStub.FromNumber;
        settings["Responders:0:Name"] = "Amina";
        settings["Responders:0:Phone"] = "+447700900101";
        var app = TestApp.Build(settings, new LogCapture());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains("Twilio__AuthToken is not set", ex.Message, StringComparison.Ordinal);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Executable_BadResponderPhone_ExitsWithOneLineNamingTheSetting()
    {
        var environment = StartupTests.AppEnvironment(Storage);
        environment["Responders__0__Name"] = "Amina";
        environment["Responders__0__Phone"] = "+44-7700-900101";
        using var process = StartupTests.StartExecutable(["--urls", "http://127.0.0.1:0"], environment);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("Hotline cannot start: Responders__0__Phone is not an E.164 number (e.g. +447700900123).", line);
    }
}
