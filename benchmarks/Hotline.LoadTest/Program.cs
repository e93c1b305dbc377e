using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hotline.Cases;
using Hotline.Encryption;
using Hotline.Functions;
using Hotline.Storage;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Hotline.Triage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Hotline load harness: a real Azurite, the real app (standalone, in process, on Kestrel) and a
// local stand-in for Twilio's API, all on loopback. It measures
//   accept:  POST /api/tips until the 202 (validate, classify, encrypt, write blob, enqueue)
//   alert:   POST /api/tips until the responder's alert request reaches the Twilio stand-in
// and, as the baseline in the same run against the same Azurite, a bare blob write plus queue send
// of the same size (what any durable intake must do at least). Reported as percentiles and ratios.
//
// Then a flood: with SMS paced at a long code's real rate, how long a real urgent tip waits for its
// alert behind --flood ordinary tips and behind as many forged urgent ones, against the same urgent
// tip on a quiet hotline; then behind --big-flood forged urgent tips with the surge digest off and on
// (--digest-after), and how many messages the responder's phone got meanwhile.
//
//   dotnet run -c Release --project benchmarks/Hotline.LoadTest -- [--tips 200] [--concurrency 4] [--idle 8] [--flood 20] [--big-flood 150] [--digest-after 20]
//
// Or, on its own: how long `hotline tips list` takes over --list-cases case records (the responder
// tool's list reads only them), against a bare listing of the same container as the floor.
//
//   dotnet run -c Release --project benchmarks/Hotline.LoadTest -- --list-cases 10000
//
// Or, on its own: intake throughput and latency at 1, 8, 32 and 64 clients against the storage floor, with
// the app's CPU time per tip and peak RSS (see IntakeBenchmark.cs); --intake is the requests per level.
//
//   dotnet run -c Release --project benchmarks/Hotline.LoadTest -- --intake 400
//
// Or, on its own: admission under a flood of --flood-clients clients for --flood-seconds, while real tipsters send a
// report every 2 seconds (see FloodAdmission.cs).
//
//   dotnet run -c Release --project benchmarks/Hotline.LoadTest -- --flood-clients 200 --flood-seconds 60
var tips = IntArg("--tips", 200);
var concurrency = IntArg("--concurrency", 4);
var idleTips = IntArg("--idle", 8);
var flood = IntArg("--flood", 20);
var bigFlood = IntArg("--big-flood", 150);
var digestAfter = IntArg("--digest-after", 20);
var listCases = IntArg("--list-cases", 0);
var intake = IntArg("--intake", 0);
var floodClients = IntArg("--flood-clients", 0);
var floodSeconds = IntArg("--flood-seconds", 60);
var message = "They took our passports and we work at the farm near the border without pay. " + new string('x', 400);

await using var azurite = await Azurite.StartAsync();
if (listCases > 0)
{
    await MeasureCaseListAsync(listCases);
    return 0;
}

var (_, publicPem, _) = HotlineKeys.Generate();
if (floodClients > 0)
{
    return await Hotline.LoadTest.FloodAdmission.RunAsync(azurite, publicPem, floodClients, floodSeconds);
}

if (intake > 0)
{
    return await Hotline.LoadTest.IntakeBenchmark.RunAsync(azurite, publicPem, intake);
}

await using var twilio = await TwilioStub.StartAsync();
await using var app = await StartAppAsync(messagesPerSecond: 1000, digestAfter: 0);
var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
using var http = new HttpClient { BaseAddress = new Uri(address) };
await Hotline.LoadTest.IntakeBenchmark.WaitHealthyAsync(http);

Console.WriteLine($"Hotline load harness: {tips} tips at concurrency {concurrency}, then {idleTips} tips after an idle queue; {Environment.ProcessorCount} cores.");

// Warm-up: JIT, connections, containers.
await RunTipsAsync(20, concurrency);
var baseline = await BaselineAsync(tips, concurrency);
var (accept, alert) = await RunTipsAsync(tips, concurrency);
var (idleAccept, idleAlert) = await RunIdleAsync(idleTips);

Console.WriteLine();
Console.WriteLine("| measurement | n | p50 ms | p95 ms | p99 ms | p50 / baseline p50 |");
Console.WriteLine("| --- | --- | --- | --- | --- | --- |");
Row("baseline: blob write + queue send", baseline, baseline);
Row("accept: POST /api/tips -> 202", accept, baseline);
Row("alert: POST /api/tips -> alert at Twilio", alert, baseline);
Row("alert after an idle queue", idleAlert, baseline);
Console.WriteLine();
Console.WriteLine($"tip -> first alert p99 under load: {Percentile(alert, 0.99):F0} ms; after an idle queue: max {idleAlert.Max():F0} ms (target: under 2000 ms).");
await app.StopAsync();

// The flood, on its own app (same Azurite, its own queue traffic) with SMS paced at 2 per second.
const string UrgentTip = "They locked us in the container and beat us, help now";
const string OrdinaryTip = "I want to ask about work in the city";
double quiet;
await using (var paced = await StartAppAsync(messagesPerSecond: 2, digestAfter: 0))
{
    using var pacedHttp = new HttpClient { BaseAddress = new Uri(paced.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    await Hotline.LoadTest.IntakeBenchmark.WaitHealthyAsync(pacedHttp);
    await UrgentAlertMsAsync(pacedHttp);
    quiet = await UrgentAlertMsAsync(pacedHttp);
    var behindOrdinary = await UrgentBehindFloodAsync(pacedHttp, OrdinaryTip, flood);
    var behindUrgent = await UrgentBehindFloodAsync(pacedHttp, UrgentTip, flood);
    Console.WriteLine();
    Console.WriteLine($"A real urgent tip behind a flood, SMS paced at 2/s, {flood} flood tips:");
    Console.WriteLine();
    Console.WriteLine("| measurement | tip -> its alert ms | / quiet |");
    Console.WriteLine("| --- | --- | --- |");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| quiet hotline (baseline) | {quiet:F0} | 1.00x |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| behind {flood} ordinary tips | {behindOrdinary:F0} | {behindOrdinary / quiet:F2}x |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| behind {flood} forged urgent tips | {behindUrgent:F0} | {behindUrgent / quiet:F2}x |"));
    await paced.StopAsync();
}

// A big flood of forged urgent tips, the digest off and then on (it gathers above --digest-after alerts
// in its window and pages once a minute): how long the real urgent tip takes to reach the phone, and
// how many messages the phone got from the start of the flood until then.
Console.WriteLine();
Console.WriteLine($"A real urgent tip behind {bigFlood} forged urgent tips, SMS paced at 2/s:");
Console.WriteLine();
Console.WriteLine("| measurement | tip -> on the phone ms | / quiet | messages to the phone |");
Console.WriteLine("| --- | --- | --- | --- |");
foreach (var after in new[] { 0, digestAfter })
{
    await using var surge = await StartAppAsync(messagesPerSecond: 2, digestAfter: after);
    using var surgeHttp = new HttpClient { BaseAddress = new Uri(surge.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
    await Hotline.LoadTest.IntakeBenchmark.WaitHealthyAsync(surgeHttp);
    var before = twilio.Requests.Count;
    var ms = await UrgentBehindFloodAsync(surgeHttp, UrgentTip, bigFlood, digest: after > 0);
    var messages = twilio.Requests.Count(r => r.IsSms) - twilio.Requests.Take(before).Count(r => r.IsSms);
    var label = after == 0 ? "digest off (DigestAfter=0)" : $"digest on (DigestAfter={after})";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {label} | {ms:F0} | {ms / quiet:F2}x | {messages} |"));
    await surge.StopAsync();
}

return 0;

async Task<WebApplication> StartAppAsync(int messagesPerSecond, int digestAfter)
{
    var builder = HotlineApp.CreateBuilder(["--urls", "http://127.0.0.1:0"], b =>
    {
        b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
        ["AzureWebJobsStorage"] = azurite.ConnectionString,
        ["Hotline:PublicKeyPem"] = publicPem,
        ["Hotline:PhonePepper"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        ["Hotline:RateLimit:PerMinute"] = "0",
        ["Hotline:RateLimit:NetworkPerMinute"] = "0",
        ["Hotline:RateLimit:SitePerMinute"] = "0",
        ["Twilio:AccountSid"] = TwilioStub.AccountSid,
        ["Twilio:AuthToken"] = TwilioStub.AuthToken,
        ["Twilio:PhoneNumber"] = TwilioStub.FromNumber,
        ["Twilio:ApiBaseUrl"] = twilio.BaseAddress.ToString(),
            ["Twilio:MessagesPerSecond"] = messagesPerSecond.ToString(CultureInfo.InvariantCulture),
            ["Responders:0:Name"] = "On call",
            ["Responders:0:Phone"] = "+447700900555",
            ["Hotline:Dispatch:DigestAfter"] = digestAfter.ToString(CultureInfo.InvariantCulture),
        });
        b.Logging.ClearProviders();
    });
    var started = HotlineApp.Build(builder);
    await started.StartAsync();
    return started;
}

// Posts the flood, then the real urgent tip; returns how long the real one took to reach the responder.
// With the digest on, the flood's alerts beyond the threshold page nobody until the digest, and the
// rest of the flood is not waited for (it is in the digest already).
async Task<double> UrgentBehindFloodAsync(HttpClient client, string floodText, int size, bool digest = false)
{
    var before = twilio.Requests.Count;
    await Parallel.ForEachAsync(Enumerable.Range(0, size), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
    {
        using var response = await client.PostAsJsonAsync("/api/tips", new { message = floodText + " " + i, language = "en" }, ct);
        response.EnsureSuccessStatusCode();
    });

    // Let the flood's alerts reach the pacer's line first, as they would in a real surge.
    await Task.Delay(TimeSpan.FromSeconds(2));
    var ms = await UrgentAlertMsAsync(client, digest);
    if (digest)
    {
        return ms;
    }

    // Let the rest of the flood drain before the next measurement.
    for (var waited = Stopwatch.StartNew(); twilio.Requests.Count < before + size + 1 && waited.Elapsed < TimeSpan.FromMinutes(5);)
    {
        await Task.Delay(100);
    }

    return ms;
}

// Until an SMS names the receipt or, with the digest, until the alert gathered for it is gone: it is
// removed only once a digest covering it reached every responder.
async Task<double> UrgentAlertMsAsync(HttpClient client, bool digest = false)
{
    var clock = Stopwatch.StartNew();
    using var response = await client.PostAsJsonAsync("/api/tips", new { message = UrgentTip + " " + Guid.NewGuid(), language = "en" });
    response.EnsureSuccessStatusCode();
    var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("receipt").GetString()!;
    var gathered = false;
    while (!twilio.Requests.Any(r => r.SmsBody?.Contains(receipt, StringComparison.Ordinal) == true))
    {
        if (digest)
        {
            var pending = await new BlobContainerClient(azurite.ConnectionString, "alert-digest").GetBlobsAsync(new GetBlobsOptions { Prefix = $"pending/{receipt}/" }).AnyAsync();
            if (gathered && !pending)
            {
                break;
            }

            gathered |= pending;
        }

        if (clock.Elapsed > TimeSpan.FromMinutes(5))
        {
            throw new TimeoutException("No alert for " + receipt);
        }

        await Task.Delay(5);
    }

    return clock.Elapsed.TotalMilliseconds;
}

async Task<(List<double> Accept, List<double> Alert)> RunTipsAsync(int count, int parallel)
{
    var acceptMs = new List<double>();
    var alertMs = new List<double>();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (_, ct) =>
    {
        var (a, l) = await OneTipAsync(ct);
        lock (acceptMs)
        {
            acceptMs.Add(a);
            alertMs.Add(l);
        }
    });
    return (acceptMs, alertMs);
}

async Task<(List<double> Accept, List<double> Alert)> RunIdleAsync(int count)
{
    var acceptMs = new List<double>();
    var alertMs = new List<double>();
    for (var i = 0; i < count; i++)
    {
        // Long enough for the listener to back off to host.json's maxPollingInterval.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var (a, l) = await OneTipAsync(CancellationToken.None);
        acceptMs.Add(a);
        alertMs.Add(l);
    }

    return (acceptMs, alertMs);
}

async Task<(double Accept, double Alert)> OneTipAsync(CancellationToken ct)
{
    var clock = Stopwatch.StartNew();
    using var response = await http.PostAsJsonAsync("/api/tips", new { message, language = "en" }, ct);
    response.EnsureSuccessStatusCode();
    var acceptMs = clock.Elapsed.TotalMilliseconds;
    var receipt = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("receipt").GetString()!;
    var deadline = TimeSpan.FromSeconds(30);
    while (!twilio.Requests.Any(r => r.SmsBody?.Contains(receipt, StringComparison.Ordinal) == true))
    {
        if (clock.Elapsed > deadline)
        {
            throw new TimeoutException("No alert for " + receipt);
        }

        await Task.Delay(5, ct);
    }

    return (acceptMs, clock.Elapsed.TotalMilliseconds);
}

async Task<List<double>> BaselineAsync(int count, int parallel)
{
    var container = new BlobContainerClient(azurite.ConnectionString, "baseline");
    await container.CreateIfNotExistsAsync();
    var queue = new QueueClient(azurite.ConnectionString, "baseline", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    await queue.CreateIfNotExistsAsync();
    var payload = BinaryData.FromString(message);
    var times = new List<double>();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = parallel }, async (i, ct) =>
    {
        var clock = Stopwatch.StartNew();
        await container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(payload, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, ct);
        await queue.SendMessageAsync("{\"tipId\":\"x\"}", ct);
        lock (times)
        {
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
    });
    return times;
}

void Row(string name, List<double> values, List<double> baselineValues) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {values.Count} | {Percentile(values, 0.50):F1} | {Percentile(values, 0.95):F1} | {Percentile(values, 0.99):F1} | {Percentile(values, 0.50) / Percentile(baselineValues, 0.50):F2}x |"));

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

// Seeds case records as intake writes them, then times the list three times each way.
async Task MeasureCaseListAsync(int count)
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString }).Build();
    StorageConnection.TryCreate(configuration, out var connection, out _);
    var storage = new HotlineStorage(connection!);
    var cases = new CaseStore(storage);
    var seeding = Stopwatch.StartNew();
    await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, ct) =>
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-i);
        await cases.RecordMessageAsync(new CaseMessage(TipId.New(), i % 3 == 0 ? Channel.Sms : Channel.Web, (Urgency)(i % 3), "ar", at, 1, null), ct);
    });
    Console.WriteLine($"{count} case records written in {seeding.Elapsed.TotalSeconds:F0} s.");

    var container = storage.Blobs.GetBlobContainerClient(CaseStore.ContainerName);
    var floor = new List<double>();
    var list = new List<double>();
    var filtered = new List<double>();
    var files = new CaseFiles(storage, [], TimeProvider.System);
    for (var run = 0; run < 3; run++)
    {
        var clock = Stopwatch.StartNew();
        var n = 0;
        await foreach (var _ in container.GetBlobsAsync())
        {
            n++;
        }

        floor.Add(clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        var page = await files.ListAsync(new CaseQuery(Top: 50));
        list.Add(clock.Elapsed.TotalMilliseconds);
        clock.Restart();
        await files.ListAsync(new CaseQuery(Urgency: Urgency.Urgent, Channel: Channel.Sms, Top: 50));
        filtered.Add(clock.Elapsed.TotalMilliseconds);
        if (n != count || page.Matched != count)
        {
            throw new InvalidOperationException($"listed {n} blobs and {page.Matched} cases, expected {count}");
        }
    }

    var floorMs = floor.Order().ElementAt(1);
    Console.WriteLine();
    Console.WriteLine($"| measurement ({count} cases) | median of 3, ms | / floor |");
    Console.WriteLine("| --- | --- | --- |");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| floor: list the container's blob names | {floorMs:F0} | 1.00x |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| tips list (records with metadata, sorted, first 50) | {list.Order().ElementAt(1):F0} | {list.Order().ElementAt(1) / floorMs:F2}x |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| tips list --urgency urgent --channel sms | {filtered.Order().ElementAt(1):F0} | {filtered.Order().ElementAt(1) / floorMs:F2}x |"));
}

int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) && v > 0 ? v : fallback;
}
