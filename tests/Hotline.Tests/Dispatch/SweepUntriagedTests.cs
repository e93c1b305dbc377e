using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Hotline.Functions.SweepUntriaged;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// Nothing lost: a stored report whose triage message never made it to the queue is queued again by
/// SweepUntriaged, and pages once; an alert dispatch has handled is never queued again.
/// </summary>
[Collection(DispatchTestGroup.Name)]
public sealed class SweepUntriagedTests(OwnAzurite storage) : DispatchTestBase(storage)
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();

        // Outstanding alerts of earlier tests in this collection (their reports were never dispatched).
        var intake = new BlobContainerClient(Storage.ConnectionString, "intake");
        await intake.CreateIfNotExistsAsync(cancellationToken: Ct);
        await foreach (var blob in intake.GetBlobsAsync(new GetBlobsOptions { Prefix = "untriaged/" }, Ct))
        {
            await intake.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task SweepUntriaged_QueueSendFailedAndNoRetry_QueuesTheAlertAgainWhichPagesOnce()
    {
        await using var app = await StartAsync(listeners: false, extra: Grace("00:00:00"));
        var text = PrivacyCanaries.Register("They locked us in the container, help now " + Guid.NewGuid());

        // The queue is gone (an outage): the report is stored, the tipster is told to try again, and never does.
        await Queue("triage").DeleteAsync(Ct);
        using (var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = text, language = "en" }, Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        await Queue("triage").CreateAsync(cancellationToken: Ct);
        Assert.True(await InvokeAsync(app, "", function: SweepUntriagedFunction.FunctionName), "the sweep should succeed");

        var requeued = Assert.Single(await Storage.DrainAsync("triage", Ct));
        var message = TriageMessage.Parse(requeued.Body.ToString());
        Assert.Equal(Urgency.Urgent, message.Urgency);
        Assert.True(TipId.TryParse(message.TipId, out var id));
        Assert.Equal(text, (await TestKeys.DecryptReportAsync(Storage.ConnectionString, ReportStore.ReportBlobName(id.Value), Ct)).Message);

        // Dispatched once; queued again by a later sweep or not, nobody is paged twice.
        Assert.True(await InvokeAsync(app, message));
        Assert.True(await InvokeAsync(app, "", function: SweepUntriagedFunction.FunctionName));
        Assert.Empty(await Storage.DrainAsync("triage", Ct));
        Assert.Equal([Amina, Bilal], Stub.Sms.Select(r => r.To).Order());
        Assert.Contains(app.Logs.Lines, l => l.Contains("Sweep: 1 alerts not dispatched within 00:00:00 were queued again", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.AllText, text[..30], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SweepUntriaged_AlertDispatched_IsNeverQueuedAgain()
    {
        await using var app = await StartAsync(listeners: false, extra: Grace("00:00:00"));
        var message = await SubmitAndTakeAsync(app);

        Assert.True(await InvokeAsync(app, message));
        Assert.True(await InvokeAsync(app, "", function: SweepUntriagedFunction.FunctionName));

        Assert.Empty(await Storage.DrainAsync("triage", Ct));
        Assert.Single(Stub.Sms, r => r.To == Amina);
    }

    [Fact]
    public async Task SweepUntriaged_AlertStillWithinTheGrace_IsLeftToDispatch()
    {
        // The default grace (10 minutes): a message waiting in a busy queue is not sent twice.
        await using var app = await StartAsync(listeners: false);
        await SubmitAndTakeAsync(app);

        Assert.True(await InvokeAsync(app, "", function: SweepUntriagedFunction.FunctionName));

        Assert.Empty(await Storage.DrainAsync("triage", Ct));
    }

    [Fact]
    public async Task SweepUntriaged_AlertThatEndedInAnUndeliveredNotice_IsNotStartedOver()
    {
        await using var app = await StartAsync(listeners: false, extra: Grace("00:00:00"));
        var message = await SubmitAndTakeAsync(app);

        Assert.True(await InvokeAsync(app, message, function: "DispatchTriagePoison"));
        Assert.True(await InvokeAsync(app, "", function: SweepUntriagedFunction.FunctionName));

        Assert.Empty(await Storage.DrainAsync("triage", Ct));
    }

    private static Dictionary<string, string?> Grace(string grace) => new() { ["Hotline:Sweep:Grace"] = grace };

    /// <summary>Files a tip through the app and takes its triage message off the queue (as dispatch would).</summary>
    private async Task<TriageMessage> SubmitAndTakeAsync(TestApp app)
    {
        using var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = "We work at the farm without pay " + Guid.NewGuid(), language = "en" }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return TriageMessage.Parse(Assert.Single(await Storage.DrainAsync("triage", Ct)).Body.ToString());
    }
}
