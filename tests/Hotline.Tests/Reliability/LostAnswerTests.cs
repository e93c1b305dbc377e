using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Hotline.FollowUp;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Tests.Reliability;

/// <summary>
/// Storage carried out a write and its answer never came back (a reset or a timeout on the way back), or a client's
/// retry overtook its first request: the write's own result, seen late or from the other side, must be told from
/// another report holding the name. On purpose, every run (<see cref="FaultyStorageTransport"/>), where the load test in
/// <see cref="FaultTests"/> met it by chance. Its own storage account: the blobs, cases and untriaged alerts these leave would
/// otherwise be counted and swept by the load test's app.
/// </summary>
public sealed class LostAnswerTests(OwnAzurite storage) : IClassFixture<OwnAzurite>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The path the load test in <see cref="FaultTests"/> met once in three runs, on purpose: the report's create-once write reaches
    /// storage and is committed, its answer is cut, and the SDK's own retry gets 409. That 409 is this request's
    /// own write, not another report holding the id: one blob, one case, and the 202 names it.
    /// </summary>
    [Fact]
    public async Task SubmitTip_ReportStoredButItsAnswerCut_StoresOneReportInOneCaseAndReceiptsIt()
    {
        var cut = new FaultyStorageTransport(FaultyStorageTransport.IsMessageCreate) { Limit = 1 };
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(storage.ConnectionString), afterApp: cut.Install, cancellationToken: Ct);
        var tips = await NamesAsync("tips");
        var cases = await NamesAsync("cases");
        await storage.DrainAsync("triage", Ct);
        var text = "They took our passports at the car wash, cut " + Guid.NewGuid();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips")
        {
            Content = JsonContent.Create(new { message = text, language = "en" }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString("N") } },
        };
        using var response = await app.Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = ParseReceipt(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("receipt").GetString());
        Assert.Equal(["tips/" + ReportStore.ReportBlobName(id)], cut.CutNames);
        await AssertOneReportInOneCaseAsync(id, text, tips, cases);
    }

    /// <summary>
    /// A client's retry with the same key (its first request seemed lost: a timeout, a reset) that overtakes the first
    /// request and stores the report before it: the first request's 409 is its own key's report, not another report
    /// holding the id, so both answers name one report in one case.
    /// </summary>
    [Fact]
    public async Task SubmitTip_RetryWithTheKeyStoresBeforeTheFirstRequest_BothAnswersNameOneReportInOneCase()
    {
        var firstAtWrite = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var retryAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        var transport = new FaultyStorageTransport(_ => false)
        {
            Before = async (request, ct) =>
            {
                if (FaultyStorageTransport.IsMessageCreate(request) && Interlocked.Exchange(ref held, 1) == 0)
                {
                    firstAtWrite.TrySetResult();
                    await retryAnswered.Task.WaitAsync(ct);
                }
            },
        };
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(storage.ConnectionString), afterApp: transport.Install, cancellationToken: Ct);
        var tips = await NamesAsync("tips");
        var cases = await NamesAsync("cases");
        await storage.DrainAsync("triage", Ct);
        var key = Guid.NewGuid().ToString("N");
        var text = "Women are kept above the nail bar, overtaken " + Guid.NewGuid();
        HttpRequestMessage Request() => new(HttpMethod.Post, "/api/tips")
        {
            Content = JsonContent.Create(new { message = text, language = "en" }),
            Headers = { { "Idempotency-Key", key } },
        };

        using var firstRequest = Request();
        var first = app.Http.SendAsync(firstRequest, Ct);
        await firstAtWrite.Task.WaitAsync(Ct);
        using var retryRequest = Request();
        using var retry = await app.Http.SendAsync(retryRequest, Ct);
        retryAnswered.TrySetResult();
        using var original = await first;

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (original.StatusCode, retry.StatusCode));
        var id = ParseReceipt(JsonDocument.Parse(await retry.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("receipt").GetString());
        Assert.Equal(id.ToString(), JsonDocument.Parse(await original.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("receipt").GetString());
        await AssertOneReportInOneCaseAsync(id, text, tips, cases);
    }

    /// <summary>
    /// As <see cref="SubmitTip_ReportStoredButItsAnswerCut_StoresOneReportInOneCaseAndReceiptsIt"/>, for a signed SMS:
    /// a new case's report and a later message of it, each written, each answer cut.
    /// </summary>
    [Fact]
    public async Task Sms_MessageStoredButItsAnswerCut_StoresOneBlobPerMessageInOneCaseAndRepliesWithIt()
    {
        var cut = new FaultyStorageTransport(FaultyStorageTransport.IsMessageCreate);
        await using var twilio = await TwilioStub.StartAsync();
        var settings = TestApp.BaseSettings(storage.ConnectionString);
        foreach (var (key, value) in twilio.AppSettings(TipTraffic.PublicBase).Append(new("Responders:0:Name", "Amina")).Append(new("Responders:0:Phone", "+447700900101")))
        {
            settings[key] = value;
        }

        await using var app = await TestApp.StartAsync(settings, afterApp: cut.Install, cancellationToken: Ct);
        var tips = await NamesAsync("tips");
        var cases = await NamesAsync("cases");
        await storage.DrainAsync("triage", Ct);
        var phone = "+4475" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture) + "3";
        var first = "They locked us in a house by the quarry, cut " + Guid.NewGuid();
        var second = "thank you, cut " + Guid.NewGuid();

        var replies = new List<string>();
        foreach (var body in new[] { first, second })
        {
            using var message = (await TwilioStub.InboundSmsAsync(TipTraffic.PublicBase, phone, body))();
            using var response = await app.Http.SendAsync(message, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            replies.Add(await response.Content.ReadAsStringAsync(Ct));
        }

        var id = ParseReceipt(TipTraffic.ReceiptIn(replies[0]));
        Assert.Equal(id.ToString(), TipTraffic.ReceiptIn(replies[1]));
        string[] names = [ReportStore.ReportBlobName(id), ReportStore.MessageBlobName(id, 2)];
        Assert.Equal(names, (await NamesAsync("tips")).Except(tips).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(names.Select(n => "tips/" + n).Order(StringComparer.Ordinal), cut.CutNames);
        Assert.Equal([id.Compact], (await NamesAsync("cases")).Except(cases));
        Assert.Equal(first, (await TestKeys.DecryptReportAsync(storage.ConnectionString, names[0], Ct)).Message);
        Assert.Equal(second, (await TestKeys.DecryptReportAsync(storage.ConnectionString, names[1], Ct)).Message);
        Assert.Equal([id.ToString()], (await storage.DrainAsync("triage", Ct)).Select(m => TriageMessage.Parse(m.Body.ToString()).TipId).Distinct());
    }

    /// <summary>
    /// Since <paramref name="tipsBefore"/> and <paramref name="casesBefore"/>: one new report blob, the case's, one new
    /// case record, the text exactly as sent, and triage queued for that case alone.
    /// </summary>
    private async Task AssertOneReportInOneCaseAsync(TipId id, string text, List<string> tipsBefore, List<string> casesBefore)
    {
        // A web report's follow-up blobs (its key, its code's pointer, the tipster's copy: one set per answered request,
        // each answer carrying a code) stand beside the one report, in the same case.
        var added = (await NamesAsync("tips")).Except(tipsBefore).ToList();
        var followUp = added.Where(Conversations.IsFollowUpBlob).ToList();
        Assert.Equal(ReportStore.ReportBlobName(id), Assert.Single(added.Except(followUp)));
        Assert.All(followUp, n => Assert.StartsWith(id.Compact + "/", n, StringComparison.Ordinal));
        Assert.Equal([id.Compact], (await NamesAsync("cases")).Except(casesBefore));
        Assert.Equal(text, (await TestKeys.DecryptReportAsync(storage.ConnectionString, ReportStore.ReportBlobName(id), Ct)).Message);
        Assert.Equal([id.ToString()], (await storage.DrainAsync("triage", Ct)).Select(m => TriageMessage.Parse(m.Body.ToString()).TipId).Distinct());
    }

    private static TipId ParseReceipt(string? receipt) =>
        TipId.TryParse(receipt, out var id) ? id.Value : throw new InvalidOperationException("not a receipt: " + receipt);

    private async Task<List<string>> NamesAsync(string container)
    {
        var names = new List<string>();
        await foreach (var blob in new BlobContainerClient(storage.ConnectionString, container).GetBlobsAsync(cancellationToken: Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
