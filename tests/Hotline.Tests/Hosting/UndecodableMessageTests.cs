using Azure.Storage.Queues;
using Hotline.Tests.Infrastructure;
using Hotline.Triage;

namespace Hotline.Tests.Hosting;

/// <summary>
/// A message on <c>triage</c> that is not base64 (written by hand, or by a client without base64
/// encoding), next to a good one, through the real DispatchTriage and DispatchTriagePoison listeners
/// (their own storage account: they own the fixed queue names).
/// </summary>
public sealed class UndecodableMessageTests(OwnAzurite azurite) : IClassFixture<OwnAzurite>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Triage_MessageNotBase64_GoodOneIsAlertedAndTheBadOneRaisesTheUnreadableNotice()
    {
        const string NotBase64 = "{ this is not base64 }";
        var good = await EnqueueAsync(NotBase64);

        await using var app = await StartAsync(poisonListener: true);

        await Eventually.TrueAsync(() => Task.FromResult(Printed(app, "HOTLINE ALERT").Any(l => l.Contains("Receipt: " + good.TipId, StringComparison.Ordinal))), Patience, "the good message should be alerted");
        await Eventually.TrueAsync(() => Task.FromResult(Printed(app, "AN ALERT COULD NOT BE DELIVERED").Any(l => l.Contains("Receipt: ?", StringComparison.Ordinal))), Patience, "the unreadable message should raise the poison notice");
        await Eventually.TrueAsync(async () => await CountAsync("triage") == 0 && await CountAsync("triage-poison") == 0, Patience, "both queues should end empty");
        Assert.Contains(app.Logs.Lines, l => l.Contains("is not base64", StringComparison.Ordinal) && l.Contains("triage-poison", StringComparison.Ordinal));
        Assert.False(await RawQueue("triage-poison-poison").ExistsAsync(Ct) && await CountAsync("triage-poison-poison") > 0);
    }

    [Fact]
    public async Task Triage_MessageNotBase64_MovesToTriagePoisonAtOnceWithItsRawTextAndNoExpiry()
    {
        const string NotBase64 = "%% not base64 %%";
        var good = await EnqueueAsync(NotBase64);

        await using var app = await StartAsync(poisonListener: false);

        await Eventually.TrueAsync(async () => await CountAsync("triage") == 0, Patience, "both messages should leave the triage queue");
        Assert.Contains(Printed(app, "HOTLINE ALERT"), l => l.Contains("Receipt: " + good.TipId, StringComparison.Ordinal));
        var poisoned = Assert.Single((await RawQueue("triage-poison").ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1), Ct)).Value);
        Assert.Equal(NotBase64, poisoned.Body.ToString());
        Assert.Equal(1, poisoned.DequeueCount);
        Assert.Equal(9999, poisoned.ExpiresOn?.Year);
        await RawQueue("triage-poison").DeleteMessageAsync(poisoned.MessageId, poisoned.PopReceipt, Ct);
    }

    /// <summary>Puts a raw text that is not base64 on <c>triage</c>, then a good triage message, which it returns.</summary>
    private async Task<TriageMessage> EnqueueAsync(string notBase64)
    {
        var good = new TriageMessage("K7QF-2M9X-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant(), Channel.Web, Urgency.Urgent, new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero), "en");
        await RawQueue("triage").CreateIfNotExistsAsync(cancellationToken: Ct);
        await RawQueue("triage").SendMessageAsync(notBase64, Ct);
        await azurite.Queue("triage").SendMessageAsync(good.ToJson(), Ct);
        return good;
    }

    private static IEnumerable<string> Printed(TestApp app, string title) =>
        app.Logs.Lines.Where(l => l.Contains("printed here, not sent", StringComparison.Ordinal) && l.Contains(title, StringComparison.Ordinal));

    private QueueClient RawQueue(string name) => new(azurite.ConnectionString, name);

    private async Task<int> CountAsync(string queue) => (await RawQueue(queue).GetPropertiesAsync(Ct)).Value.ApproximateMessagesCount;

    private Task<TestApp> StartAsync(bool poisonListener)
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["AzureWebJobs:DispatchTriage:Disabled"] = "false";
        settings["AzureWebJobs:DispatchTriagePoison:Disabled"] = poisonListener ? "false" : "true";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        settings["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00";
        settings["Responders:0:Name"] = "Amina";
        settings["Responders:0:Phone"] = "+447700900101";
        return TestApp.StartAsync(settings, cancellationToken: Ct);
    }
}
