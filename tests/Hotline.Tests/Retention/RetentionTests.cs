using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Hotline.Cases;
using Hotline.Functions.ExpireCases;
using Hotline.Retention;
using Hotline.Storage;
using Hotline.Tests.Cli;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Retention;

/// <summary>
/// Retention end to end on a real Azurite: cases go in through the app's HTTP surface, responders act with the
/// <c>hotline</c> tool, and the daily <c>ExpireCases</c> run (invoked as the host invokes it) deletes and warns, on a
/// fake clock shared by the app's run and the tool.
/// </summary>
public sealed class RetentionTests(OwnAzurite storage) : DispatchTestBase(storage), IClassFixture<OwnAzurite>
{
    private static readonly string[] CaseContainers = [StorageNames.TipsContainer, StorageNames.CasesContainer, StorageNames.AlertsContainer, StorageNames.AlertDigestContainer];
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-retention-");
    private FakeTimeProvider _clock = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await File.WriteAllTextAsync(KeyPath, TestKeys.PrivateKeyPem, Ct);
    }

    private string KeyPath => Path.Combine(_dir.FullName, "hotline-private.pem");

    [Fact]
    public async Task ExpireCases_ClosedCaseAfterClosedDays_LeavesNoBlobAndAuditsIt()
    {
        await using var app = await StartRetentionAsync();
        var closed = await SubmitAsync(app, "They took our passports at the farm");
        var open = await SubmitAsync(app, "My sister works at a bar and cannot leave");
        Assert.Equal(0, (await ToolAsync("tips", "status", closed.ToString(), "closed")).Exit);
        var lookupsBefore = await CountAsync(StorageNames.FollowUpContainer);

        _clock.Advance(TimeSpan.FromDays(59));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));
        Assert.NotEmpty(await BlobsOfAsync(closed));

        _clock.Advance(TimeSpan.FromDays(2));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));

        Assert.Empty(await BlobsOfAsync(closed));
        Assert.NotEmpty(await BlobsOfAsync(open));
        Assert.Single(await AuditLinesAsync($"\tretention\texpired\t{closed}"));

        // Each web case had a follow-up code; the expired one's look-up blob went with it (without the key, by its pointer).
        Assert.Equal(lookupsBefore - 1, await CountAsync(StorageNames.FollowUpContainer));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("Retention", StringComparison.Ordinal) && l.Contains(closed.ToString(), StringComparison.Ordinal));
        Assert.Contains(app.Logs.Lines, l => l.Contains("Retention: 1 cases expired", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpireCases_ActivityMovesTheExpiry_ANoteKeepsAnInactiveCase()
    {
        await using var app = await StartRetentionAsync();
        var quiet = await SubmitAsync(app, "Men sleep in the garage behind the car wash");
        var worked = await SubmitAsync(app, "Girls are brought to the hotel at night");

        _clock.Advance(TimeSpan.FromDays(100));
        Assert.Equal(0, (await ToolAsync("tips", "note", worked.ToString(), "Called the shelter; waiting for an answer")).Exit);
        var shown = await ToolAsync("tips", "show", worked.ToString());
        Assert.Contains($"expires: {_clock.GetUtcNow().AddDays(180):yyyy-MM-dd}", shown.Stdout, StringComparison.Ordinal);

        _clock.Advance(TimeSpan.FromDays(81));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));

        Assert.Empty(await BlobsOfAsync(quiet));
        Assert.NotEmpty(await BlobsOfAsync(worked));
    }

    [Fact]
    public async Task ExpireCases_HeldCase_SurvivesEveryLimitAndExpiresAfterRelease()
    {
        await using var app = await StartRetentionAsync();
        var held = await SubmitAsync(app, "The boss keeps our papers in a safe at the office");
        Assert.Equal(0, (await ToolAsync("tips", "status", held.ToString(), "closed")).Exit);
        var until = _clock.GetUtcNow().AddDays(750).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var keep = await ToolAsync("tips", "keep", held.ToString(), "--until", until, "--reason", "Police investigation, case file 2026/118");
        Assert.Equal(0, keep.Exit);
        Assert.Contains($"held until {until}", keep.Stdout, StringComparison.Ordinal);

        // Past ClosedDays, InactiveDays and MaxDays (730) alike.
        _clock.Advance(TimeSpan.FromDays(740));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));
        Assert.NotEmpty(await BlobsOfAsync(held));
        Assert.Contains("(held)", (await ToolAsync("tips", "list")).Stdout, StringComparison.Ordinal);

        // The reason is in the case, encrypted, for responders; the audit log says who held it until when, never why.
        var show = await ToolAsync("tips", "show", held.ToString());
        Assert.True(show.Stdout.Contains("Kept until " + until + ": Police investigation", StringComparison.Ordinal), show.Stdout + show.Stderr);
        Assert.Single(await AuditLinesAsync($"\tnight-desk\tkeep until {until}\t{held}"));
        Assert.Empty(await AuditLinesAsync("Police"));

        Assert.Equal(0, (await ToolAsync("tips", "keep", held.ToString(), "--release")).Exit);
        Assert.Single(await AuditLinesAsync($"\tnight-desk\tkeep released\t{held}"));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));
        Assert.Empty(await BlobsOfAsync(held));
    }

    [Fact]
    public async Task TipsKeep_BadInput_OneLineEach()
    {
        await using var app = await StartRetentionAsync();
        var id = await SubmitAsync(app, "We work in the greenhouses without pay");
        var yesterday = _clock.GetUtcNow().AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains("needs --until <date> and --reason", (await ToolAsync("tips", "keep", id.ToString())).OneErrorLine(), StringComparison.Ordinal);
        Assert.Contains("has passed", (await ToolAsync("tips", "keep", id.ToString(), "--until", yesterday, "--reason", "late")).OneErrorLine(), StringComparison.Ordinal);
        Assert.Contains("is not held", (await ToolAsync("tips", "keep", id.ToString(), "--release")).OneErrorLine(), StringComparison.Ordinal);

        // No hold outlasts the storage lifecycle's backstop (MaxDays + 30 from the first message): the tool says so.
        var pastBackstop = _clock.GetUtcNow().AddDays(761).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("the storage lifecycle rule deletes", (await ToolAsync("tips", "keep", id.ToString(), "--until", pastBackstop, "--reason", "trial")).OneErrorLine(), StringComparison.Ordinal);
        Assert.Contains("give it alone", (await ToolAsync("tips", "keep", id.ToString(), "--release", "--reason", "x")).OneErrorLine(), StringComparison.Ordinal);
        Assert.Equal("hotline: no case K7QF-2M9X-4TJD.", (await ToolAsync("tips", "keep", "K7QF-2M9X-4TJD", "--release")).OneErrorLine());
    }

    [Fact]
    public async Task ExpireCases_Warning_ListsExactlyTheCasesDueWithin72HoursOnceADay()
    {
        await using var app = await StartRetentionAsync();
        var soon = await SubmitAsync(app, "The landlord takes all the wages of the workers");
        var later = await SubmitAsync(app, "Children sell flowers at the station every night");
        Assert.Equal(0, (await ToolAsync("tips", "status", soon.ToString(), "closed")).Exit);
        _clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, (await ToolAsync("tips", "status", later.ToString(), "closed")).Exit);

        // Day 58: soon expires on day 60 (48 hours ahead), later on day 62 (96 hours: not yet in the warning).
        _clock.Advance(TimeSpan.FromDays(56));
        var before = Stub.Sms.Count;
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));

        var warnings = Stub.Sms.Skip(before).Where(s => s.SmsBody!.StartsWith("HOTLINE: CASES TO BE DELETED", StringComparison.Ordinal)).ToList();
        Assert.Equal([Amina, Bilal], warnings.Select(w => w.To).Order());
        Assert.All(warnings, w => Assert.Contains($"Receipt: {soon}\n", w.SmsBody, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Contains("Cases: 1,", w.SmsBody, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.DoesNotContain(later.ToString(), w.SmsBody, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Equal(306, w.SmsBody!.Length));

        // Nothing due: no warning the next day.
        _clock.Advance(TimeSpan.FromDays(5));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));
        Assert.Empty(await BlobsOfAsync(soon));
        Assert.True(await InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));
        Assert.Equal(2, Stub.Sms.Skip(before).Count(s => s.SmsBody!.StartsWith("HOTLINE: CASES TO BE DELETED", StringComparison.Ordinal)));
        AssertNothingSecretLogged(app);
    }

    [Fact]
    public async Task ExpireCases_TwoRunsAtOnce_PurgeOnceAndAuditOnce()
    {
        await using var app = await StartRetentionAsync();
        var ids = new List<TipId>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await SubmitAsync(app, $"Workers locked in the factory at night, report {i}"));
        }

        _clock.Advance(TimeSpan.FromDays(181));
        var runs = await Task.WhenAll(
            InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName),
            InvokeAsync(app, string.Empty, function: ExpireCasesFunction.FunctionName));

        Assert.All(runs, Assert.True);
        foreach (var id in ids)
        {
            Assert.Empty(await BlobsOfAsync(id));
            Assert.Single(await AuditLinesAsync($"\tretention\texpired\t{id}"));
        }

        var verify = await ToolAsync("audit", "verify");
        Assert.True(verify.Exit == 0, verify.Stderr);
    }

    private async Task<TestApp> StartRetentionAsync() =>
        await StartAsync(listeners: false, afterApp: services => services.Replace(ServiceDescriptor.Singleton(sp => ActivatorUtilities.CreateInstance<CaseExpiry>(sp, (TimeProvider)_clock))));

    /// <summary>A web report through the app's API, received at the fake clock's time (intake's clock is replaced too).</summary>
    private async Task<TipId> SubmitAsync(TestApp app, string message)
    {
        // Intake records the case at the wall clock; the record is set to the fake clock's now through the case store,
        // as if it had arrived then (the test moves days, not milliseconds).
        using var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = message + " " + Guid.NewGuid() }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.True(TipId.TryParse((await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("receipt").GetString(), out var id));
        var cases = new CaseStore(TestStorage.For(Storage.ConnectionString));
        var record = (await cases.GetWithETagAsync(id!.Value, Ct))!.Value;
        var blob = new BlobClient(Storage.ConnectionString, StorageNames.CasesContainer, id.Value.Compact);
        await blob.SetMetadataAsync((record.Record with { ReceivedAt = _clock.GetUtcNow(), LastMessageAt = _clock.GetUtcNow() }).ToMetadata(), cancellationToken: Ct);
        return id.Value;
    }

    private async Task<List<string>> BlobsOfAsync(TipId id)
    {
        var found = new List<string>();
        foreach (var name in CaseContainers)
        {
            var container = new BlobContainerClient(Storage.ConnectionString, name);
            if (!await container.ExistsAsync(Ct))
            {
                continue;
            }

            await foreach (var blob in container.GetBlobsAsync(cancellationToken: Ct))
            {
                if (blob.Name.Contains(id.Compact, StringComparison.Ordinal) || blob.Name.Contains(id.ToString(), StringComparison.Ordinal))
                {
                    found.Add($"{name}/{blob.Name}");
                }
            }
        }

        return found;
    }

    private async Task<int> CountAsync(string containerName)
    {
        var container = new BlobContainerClient(Storage.ConnectionString, containerName);
        var count = 0;
        if (await container.ExistsAsync(Ct))
        {
            await foreach (var _ in container.GetBlobsAsync(cancellationToken: Ct))
            {
                count++;
            }
        }

        return count;
    }

    private async Task<List<string>> AuditLinesAsync(string containing)
    {
        var audit = new BlobContainerClient(Storage.ConnectionString, AuditLog.ContainerName);
        var lines = new List<string>();
        if (!await audit.ExistsAsync(Ct))
        {
            return lines;
        }

        await foreach (var blob in audit.GetBlobsAsync(cancellationToken: Ct))
        {
            lines.AddRange((await audit.GetBlobClient(blob.Name).DownloadContentAsync(Ct)).Value.Content.ToString().Split('\n').Where(l => l.Contains(containing, StringComparison.Ordinal)));
        }

        return lines;
    }

    private Task<CliRun> ToolAsync(params string[] args) => CliRun.RunAsync(
        new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = Storage.ConnectionString,
            ["Hotline__PrivateKeyPath"] = KeyPath,
            ["USER"] = "night-desk",
        },
        _dir.FullName,
        args,
        time: _clock);
}
