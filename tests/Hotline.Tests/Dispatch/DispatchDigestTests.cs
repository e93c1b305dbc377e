using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Dispatch;
using Hotline.Functions.DispatchDigest;
using Hotline.Tests.Infrastructure;
using Hotline.Triage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// Hardening 2 (alert flooding): above <c>Hotline:Dispatch:DigestAfter</c> alerts in a window, alerts are
/// gathered and DispatchDigest pages each responder once for all of them; nothing gathered is lost.
/// </summary>
[Collection(DispatchTestGroup.Name)]
public sealed class DispatchDigestTests(OwnAzurite storage) : DispatchTestBase(storage)
{
    // The surge window is the clock's: on the real one, a test that crossed a window boundary would see
    // its count start again (a 10-minute boundary fell inside a CI run once). Every app in a test shares it.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero));

    private BlobContainerClient Digest => new(Storage.ConnectionString, AlertDigest.ContainerName);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();

        // Surge counts and pending alerts live in storage the collection's tests share.
        await Digest.CreateIfNotExistsAsync(cancellationToken: Ct);
        await foreach (var blob in Digest.GetBlobsAsync(cancellationToken: Ct))
        {
            await Digest.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task DispatchTriage_AboveDigestAfter_GathersAlertsAndTheDigestPagesEachResponderOnce()
    {
        await using var app = await StartAsync(listeners: false, extra: Surge(after: 2), afterApp: OnTheClock);
        var paged = new[] { Message(Urgency.Urgent), Message(Urgency.Urgent) };
        var gathered = new[] { Message(Urgency.Normal), Message(Urgency.Urgent), Message(Urgency.High) };

        foreach (var message in paged.Concat(gathered))
        {
            Assert.True(await InvokeAsync(app, message), "the invocation should succeed");
        }

        // The first two page everyone; the next three page nobody yet.
        Assert.Equal(4, Stub.Sms.Count);
        Assert.All(gathered, m => Assert.DoesNotContain(Stub.Sms, r => r.SmsBody!.Contains(m.TipId, StringComparison.Ordinal)));
        Assert.Equal(3, app.Logs.Lines.Count(l => l.Contains("goes into the next digest", StringComparison.Ordinal)));

        Assert.True(await InvokeAsync(app, "", function: DispatchDigestFunction.FunctionName), "the digest run should succeed");

        var digests = Stub.Sms.Skip(4).ToList();
        Assert.Equal([Amina, Bilal], digests.Select(r => r.To).Order());
        foreach (var digest in digests)
        {
            Assert.StartsWith("HOTLINE: MANY REPORTS AT ONCE\nReports: 3 (URGENT: 1)\nSince: 2026-11-23 10:00 UTC\n", digest.SmsBody, StringComparison.Ordinal);
            Assert.Equal(AlertText.GsmLength, digest.SmsBody!.Length);

            // Every receipt, the urgent one first.
            var receipts = digest.SmsBody.Split('\n')[3];
            Assert.StartsWith($"Receipt: {gathered[1].TipId}, ", receipts, StringComparison.Ordinal);
            Assert.All(gathered, m => Assert.Contains(m.TipId, receipts, StringComparison.Ordinal));
        }

        // Sent: the gathered alerts are gone, and the next run has nothing to say.
        Assert.Empty(await PendingAsync());
        Assert.True(await InvokeAsync(app, "", function: DispatchDigestFunction.FunctionName));
        Assert.Equal(6, Stub.Sms.Count);
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task DispatchTriage_SurgeCount_IsSharedByEveryInstance()
    {
        // Two instances of the app on one storage account: the window's count is theirs together.
        await using var first = await StartAsync(listeners: false, responders: 1, extra: Surge(after: 2), afterApp: OnTheClock);
        await using var second = await StartAsync(listeners: false, responders: 1, extra: Surge(after: 2), afterApp: OnTheClock);

        Assert.True(await InvokeAsync(first, Message(Urgency.Urgent)));
        Assert.True(await InvokeAsync(second, Message(Urgency.Urgent)));
        var third = Message(Urgency.Urgent);
        Assert.True(await InvokeAsync(first, third));

        Assert.Equal(2, Stub.Sms.Count);
        Assert.Single(await PendingAsync());
        Assert.Contains(first.Logs.Lines, l => l.Contains($"{third.AlertKey} goes into the next digest, not paged on its own: alert 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchTriage_RetriedDelivery_IsNeitherCountedNorGathered()
    {
        // A redelivered alert was counted on its first delivery, and its sends may be half done.
        await using var app = await StartAsync(listeners: false, responders: 1, extra: Surge(after: 1), afterApp: OnTheClock);

        Assert.True(await InvokeAsync(app, Message(Urgency.Urgent)));
        var retried = Message(Urgency.Urgent);
        Assert.True(await InvokeAsync(app, retried, dequeueCount: 2));

        Assert.Equal(2, Stub.Sms.Count);
        Assert.Contains(Stub.Sms, r => r.SmsBody!.Contains(retried.TipId, StringComparison.Ordinal));
        Assert.Empty(await PendingAsync());
    }

    [Fact]
    public async Task DispatchDigest_SmsFailsForOneResponder_KeepsTheAlertsAndTheNextRunSendsOnlyThatOne()
    {
        await using var app = await StartAsync(listeners: false, extra: Surge(after: 1), afterApp: OnTheClock);
        Assert.True(await InvokeAsync(app, Message(Urgency.Normal)));
        Assert.True(await InvokeAsync(app, Message(Urgency.Normal)));
        Assert.True(await InvokeAsync(app, Message(Urgency.Normal)));
        var bilalDown = true;
        Stub.Answer = r => r.To == Bilal && Volatile.Read(ref bilalDown) ? StubAnswer.ServerError : StubAnswer.Ok;

        Assert.False(await InvokeAsync(app, "", function: DispatchDigestFunction.FunctionName), "the run should fail: Bilal was not reached");
        Assert.Equal(2, (await PendingAsync()).Count);

        Volatile.Write(ref bilalDown, false);
        Assert.True(await InvokeAsync(app, "", function: DispatchDigestFunction.FunctionName));

        Assert.Single(Digests(), r => r.To == Amina && r.Delivered);
        Assert.Single(Digests(), r => r.To == Bilal && r.Delivered);
        Assert.Empty(await PendingAsync());
    }

    [Fact]
    public async Task DispatchDigest_UnreadablePendingAlert_IsCountedByItsReceiptAndGoesToEveryone()
    {
        // Sealed under another pepper, or altered: still a report nobody was paged for.
        await using var app = await StartAsync(listeners: false, extra: new()
        {
            ["Hotline:Dispatch:DigestAfter"] = "5",
            ["Responders:1:MinUrgency"] = "urgent",
        });
        await Digest.UploadBlobAsync("pending/K7QF-2M9X-4TJD/0123456789abcdef0123456789abcdef", BinaryData.FromString("s1.bm90IGEgc2VhbGVkIHJlY29yZA=="), Ct);

        Assert.True(await InvokeAsync(app, "", function: DispatchDigestFunction.FunctionName));

        // Urgency unknown: Bilal, who takes only urgent alerts, is paged too.
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To).Order());
        Assert.All(Stub.Sms, r => Assert.Contains("Reports: 1 (URGENT: 0)\n", r.SmsBody, StringComparison.Ordinal));
        Assert.All(Stub.Sms, r => Assert.Contains("Receipt: K7QF-2M9X-4TJD", r.SmsBody, StringComparison.Ordinal));
        Assert.Empty(await PendingAsync());
    }

    [Fact]
    public async Task DispatchTriage_GatheredAlert_LeavesNoUrgencyOrLanguageInStorage()
    {
        await using var app = await StartAsync(listeners: false, responders: 1, extra: Surge(after: 1), afterApp: OnTheClock);
        var message = Message(Urgency.Urgent);

        Assert.True(await InvokeAsync(app, Message(Urgency.Urgent)));
        Assert.True(await InvokeAsync(app, message));

        var name = Assert.Single(await PendingAsync());
        Assert.StartsWith($"pending/{message.TipId}/", name, StringComparison.Ordinal);
        var blob = Digest.GetBlobClient(name);
        var content = (await blob.DownloadContentAsync(Ct)).Value.Content.ToString();
        var metadata = (await blob.GetPropertiesAsync(cancellationToken: Ct)).Value.Metadata;
        foreach (var text in new[] { name, content, string.Join(' ', metadata.Values) })
        {
            Assert.DoesNotContain("urgent", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"ar\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("2026-11-23", text, StringComparison.Ordinal);
        }

        Assert.StartsWith("s1.", content, StringComparison.Ordinal);
        Assert.DoesNotContain(Stub.Sms, r => r.SmsBody!.Contains(message.TipId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchTriage_DigestAfterZero_PagesEveryAlertAndCountsNothing()
    {
        await using var app = await StartAsync(listeners: false, responders: 1, afterApp: OnTheClock);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(await InvokeAsync(app, Message(Urgency.Urgent)));
        }

        Assert.Equal(3, Stub.Sms.Count);
        Assert.Empty(Digest.GetBlobs(cancellationToken: Ct));
    }

    [Fact]
    public async Task DispatchTriage_NextWindow_CountsAgainFromOne()
    {
        await using var app = await StartAsync(listeners: false, responders: 1, extra: Surge(after: 1), afterApp: OnTheClock);
        Assert.True(await InvokeAsync(app, Message(Urgency.Urgent)));
        var gathered = Message(Urgency.Urgent);
        Assert.True(await InvokeAsync(app, gathered));

        _clock.Advance(TimeSpan.FromMinutes(10));
        var next = Message(Urgency.Urgent);
        Assert.True(await InvokeAsync(app, next));

        Assert.Equal(2, Stub.Sms.Count);
        Assert.Contains(Stub.Sms, r => r.SmsBody!.Contains(next.TipId, StringComparison.Ordinal));
        Assert.StartsWith($"pending/{gathered.TipId}/", Assert.Single(await PendingAsync()), StringComparison.Ordinal);
    }

    private void OnTheClock(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<AlertDigest>(sp, (TimeProvider)_clock)));

    private static Dictionary<string, string?> Surge(int after) => new()
    {
        ["Hotline:Dispatch:DigestAfter"] = after.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private List<StubRequest> Digests() => Stub.Sms.Where(r => r.SmsBody!.StartsWith("HOTLINE: MANY REPORTS", StringComparison.Ordinal)).ToList();

    private async Task<List<string>> PendingAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Digest.GetBlobsAsync(new GetBlobsOptions { Prefix = "pending/" }, Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
