using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Hotline.Cases;
using Hotline.Storage;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Hotline.Tests.Cli;

/// <summary>
/// <c>hotline audit show</c> and <c>verify</c> on a real Azurite: the chain holds across months and concurrent
/// writers, and a line changed, removed or moved (or a log cut after a kept head) is found, with the first bad line.
/// </summary>
public sealed class AuditToolTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-audit-");

    // Across a month's end, so the chain has to carry from one log to the next.
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 23, 58, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BlobContainerClient Logs => new(storage.ConnectionString, AuditLog.ContainerName);

    public async ValueTask InitializeAsync()
    {
        // Tests of this class share the account and run one at a time: each starts from no log.
        await Logs.CreateIfNotExistsAsync(cancellationToken: Ct);
        await foreach (var blob in Logs.GetBlobsAsync(cancellationToken: Ct))
        {
            await Logs.DeleteBlobAsync(blob.Name, cancellationToken: Ct);
        }
    }

    public ValueTask DisposeAsync()
    {
        _dir.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task AuditVerify_LogAcrossTwoMonths_IsIntactAndPrintsTheHead()
    {
        await WriteAsync(6);

        var verify = await Cli("audit", "verify");

        Assert.Equal(0, verify.Exit);
        Assert.Contains("The audit log is intact: 6 lines.", verify.Stdout, StringComparison.Ordinal);
        Assert.Equal(["2026-11.log", "2026-12.log"], await NamesAsync());
        var last = (await LinesAsync("2026-12.log"))[^1].Split('\t')[1];
        Assert.Contains($"Head: {last}", verify.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, verify.Stderr);
    }

    [Fact]
    public async Task AuditVerify_ChangedLine_FailsOnThatLine()
    {
        await WriteAsync(6);
        var lines = await LinesAsync("2026-11.log");
        lines[1] = lines[1].Replace("\tnote\t", "\texport\t", StringComparison.Ordinal);
        await RewriteAsync("2026-11.log", lines);

        var line = (await Cli("audit", "verify")).OneErrorLine();

        Assert.Contains("audit/2026-11.log line 2: its chain value does not follow", line, StringComparison.Ordinal);
        Assert.Contains("(1 lines before it are intact)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_RemovedLine_FailsOnTheLineAfterIt()
    {
        await WriteAsync(6);
        var lines = (await LinesAsync("2026-12.log")).ToList();
        lines.RemoveAt(0);
        await RewriteAsync("2026-12.log", lines);

        // The month's first line now is the one that chained to the removed line, not to November's last.
        Assert.Contains("audit/2026-12.log line 1:", (await Cli("audit", "verify")).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_SwappedLines_FailsOnTheFirstOfThem()
    {
        await WriteAsync(6);
        var lines = await LinesAsync("2026-11.log");
        (lines[1], lines[2]) = (lines[2], lines[1]);
        await RewriteAsync("2026-11.log", lines);

        Assert.Contains("audit/2026-11.log line 2:", (await Cli("audit", "verify")).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_LogCutAfterTheKeptHead_FailsWithTheHeadButNotWithout()
    {
        await WriteAsync(4);
        var kept = HeadIn((await Cli("audit", "verify")).Stdout);
        var intact = await Cli("audit", "verify", "--head", kept);
        Assert.Equal(0, intact.Exit);
        Assert.Contains("The head you kept is on a line", intact.Stdout, StringComparison.Ordinal);

        // A cut end leaves a chain that verifies on its own: only the head kept elsewhere shows it.
        var lines = (await LinesAsync("2026-12.log")).ToList();
        lines.RemoveAt(lines.Count - 1);
        await RewriteAsync("2026-12.log", lines);

        Assert.Equal(0, (await Cli("audit", "verify")).Exit);
        Assert.Contains("no line carries the head", (await Cli("audit", "verify", "--head", kept)).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditAppend_EightWritersAtOnce_ChainEveryLineOnce()
    {
        var log = new AuditLog(Storage(), _clock);

        await Parallel.ForEachAsync(Enumerable.Range(0, 8), Ct, async (i, ct) => await log.AppendAsync($"Responder {i}", "note", $"K7QF-2M9X-4T{i:D2}", ct));

        var lines = await LinesAsync("2026-11.log");
        Assert.Equal(8, lines.Length);
        Assert.Equal(8, lines.Select(l => l.Split('\t')[2]).Distinct().Count());
        var verify = await Cli("audit", "verify");
        Assert.Equal(0, verify.Exit);
        Assert.Contains("intact: 8 lines.", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditVerify_LinesFromBeforeTheChain_AreCountedButAnUnchainedLineAfterItFails()
    {
        await RewriteAsync("2026-10.log", ["2026-10-02T08:00:00Z\tAmina\tnote\tK7QF-2M9X-4TJD", "2026-10-02T08:01:00Z\tAmina\treply\tK7QF-2M9X-4TJD"]);
        await WriteAsync(2);

        var verify = await Cli("audit", "verify");
        Assert.Equal(0, verify.Exit);
        Assert.Contains("intact: 4 lines; 2 written before the log was chained are not covered.", verify.Stdout, StringComparison.Ordinal);

        var lines = (await LinesAsync("2026-11.log")).Append("2026-11-30T23:59:30Z\tMallory\tnote\tK7QF-2M9X-4TJD").ToList();
        await RewriteAsync("2026-11.log", lines);
        Assert.Contains("audit/2026-11.log line 3: it has no chain value", (await Cli("audit", "verify")).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditAppend_WriterWhoseClockIsInTheMonthBefore_AppendsToTheLatestLogAndTheChainHolds()
    {
        await WriteAsync(6);

        // A responder's laptop still in November after December's log began.
        await new AuditLog(Storage(), new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 23, 59, 50, TimeSpan.Zero))).AppendAsync("Late laptop", "note", "K7QF-2M9X-4T09", Ct);

        Assert.Equal(3, (await LinesAsync("2026-11.log")).Length);
        Assert.Contains("\tLate laptop\tnote\t", (await LinesAsync("2026-12.log"))[^1], StringComparison.Ordinal);
        Assert.Contains("intact: 7 lines.", (await Cli("audit", "verify")).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditShow_CaseAndSince_PrintOnlyTheirLines()
    {
        await WriteAsync(6);

        var all = await Cli("audit", "show");
        var one = await Cli("audit", "show", "--case", "k7qf-2m9x-4t01");
        var since = await Cli("audit", "show", "--since", "2026-12-01T00:00:00Z");

        Assert.Equal(0, all.Exit);
        Assert.Contains("6 lines.", all.Stdout, StringComparison.Ordinal);
        Assert.Contains("2026-11-30 23:58:00Z  Responder 0  status in-progress  K7QF-2M9X-4T00", all.Stdout, StringComparison.Ordinal);
        Assert.Equal(["2026-11-30 23:58:30Z  Responder 1  note  K7QF-2M9X-4T01", "1 line."], one.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("3 lines.", since.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("2026-11-30", since.Stdout, StringComparison.Ordinal);
        Assert.Contains("not a receipt", (await Cli("audit", "show", "--case", "nonsense")).OneErrorLine(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditShow_NoLogYet_SaysSoAndVerifyPasses()
    {
        await Logs.DeleteIfExistsAsync(cancellationToken: Ct);

        Assert.Contains("No lines match.", (await Cli("audit", "show")).Stdout, StringComparison.Ordinal);
        Assert.Contains("intact: 0 lines.", (await Cli("audit", "verify")).Stdout, StringComparison.Ordinal);
    }

    /// <summary>Lines 30 s apart from 23:58 on 30 November: three in November, the rest in December.</summary>
    private async Task WriteAsync(int count)
    {
        var log = new AuditLog(Storage(), _clock);
        string[] actions = ["status in-progress", "note", "reply"];
        for (var i = 0; i < count; i++)
        {
            await log.AppendAsync($"Responder {i}", actions[i % 3], $"K7QF-2M9X-4T{i:D2}", Ct);
            _clock.Advance(TimeSpan.FromSeconds(i == 2 ? 90 : 30));
        }
    }

    private async Task<List<string>> NamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in Logs.GetBlobsAsync(cancellationToken: Ct))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private async Task<string[]> LinesAsync(string name) =>
        (await Logs.GetBlobClient(name).DownloadContentAsync(Ct)).Value.Content.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>What someone with write access to storage can do: replace a log with other lines.</summary>
    private async Task RewriteAsync(string name, IEnumerable<string> lines)
    {
        var blob = Logs.GetAppendBlobClient(name);
        await blob.DeleteIfExistsAsync(cancellationToken: Ct);
        await blob.CreateAsync(cancellationToken: Ct);
        var text = string.Concat(lines.Select(l => l + "\n"));
        if (text.Length > 0)
        {
            using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
            await blob.AppendBlockAsync(content, cancellationToken: Ct);
        }
    }

    private static string HeadIn(string stdout) =>
        stdout.Split('\n').Single(l => l.StartsWith("Head: ", StringComparison.Ordinal))["Head: ".Length..].Trim();

    private HotlineStorage Storage() => TestStorage.For(storage.ConnectionString);

    private Task<CliRun> Cli(params string[] args) =>
        CliRun.RunAsync(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage.ConnectionString }, _dir.FullName, args);
}
