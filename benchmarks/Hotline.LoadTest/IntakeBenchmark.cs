using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;

namespace Hotline.LoadTest;

/// <summary>
/// Intake throughput and latency at 1, 8, 32 and 64 concurrent clients: <c>POST /api/tips</c> with a 1 KiB
/// report and a signed <c>POST /api/sms</c>, against the storage floor (the same blob write and queue send
/// straight through the SDK, same size, same concurrency, same Azurite) measured in the same run. The app
/// is the built executable in its own process (so its CPU time and peak RSS are its own), intake only:
/// dispatch is off, its cost is the alert measurements' business.
/// </summary>
internal static class IntakeBenchmark
{
    private const string WebhookBase = "https://hotline.example.org";
    private static readonly int[] Clients = [1, 8, 32, 64];

    public static async Task<int> RunAsync(Azurite azurite, string publicPem, int requestsPerLevel)
    {
        await using var twilio = await TwilioStub.StartAsync();
        var port = FreePort();
        using var app = StartApp(azurite, publicPem, twilio, port);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        await WaitHealthyAsync(http, app);

        var report = "They took our passports and we work at the farm near the border without pay. ";
        report = string.Concat(Enumerable.Repeat(report, (1024 / report.Length) + 1))[..1024];
        var sms = report[..160];
        var floor = new Floor(azurite.ConnectionString);
        await floor.PrepareAsync();

        // Warm-up of all three paths: JIT, connections, containers.
        await MeasureAsync(8, 200, _ => floor.WriteAsync(report));
        await MeasureAsync(8, 200, i => TipAsync(http, report, i));
        await MeasureAsync(8, 200, i => SmsAsync(http, sms, i));

        Console.WriteLine($"Intake at 1, 8, 32 and 64 clients, {requestsPerLevel} requests per level; {Environment.ProcessorCount} cores, app, Azurite and clients on one machine.");
        Console.WriteLine();
        Console.WriteLine("| path | clients | req/s | p50 ms | p95 ms | p99 ms | req/s / floor | p50 - floor p50 |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var cpuBefore = TimeSpan.Zero;
        var tipsAt64 = 0;
        var sequence = 1_000;
        foreach (var clients in Clients)
        {
            var bare = await MeasureAsync(clients, requestsPerLevel, _ => floor.WriteAsync(report));
            Row("floor: blob write + queue send (SDK)", clients, bare, bare);
            if (clients == Clients[^1])
            {
                app.Refresh();
                cpuBefore = app.TotalProcessorTime;
            }

            var tips = await MeasureAsync(clients, requestsPerLevel, i => TipAsync(http, report, sequence + i));
            var smsRun = await MeasureAsync(clients, requestsPerLevel, i => SmsAsync(http, sms, sequence + i));
            sequence += requestsPerLevel;
            Row("POST /api/tips (1 KiB JSON)", clients, tips, bare);
            Row("POST /api/sms (signed, 160 chars)", clients, smsRun, bare);
            if (clients == Clients[^1])
            {
                tipsAt64 = tips.Latencies.Count + smsRun.Latencies.Count;
            }
        }

        app.Refresh();
        var cpu = app.TotalProcessorTime - cpuBefore;
        var peakRss = PeakRssMiB(app.Id);
        Console.WriteLine();
        Console.WriteLine("| what a tip costs, at 64 clients | value |");
        Console.WriteLine("| --- | --- |");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| app CPU time per accepted tip (process CPU / tips, web and SMS) | {cpu.TotalMilliseconds / tipsAt64:F2} ms |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| app peak RSS (VmHWM) over the whole run | {peakRss:F0} MiB |"));

        app.Kill(entireProcessTree: true);
        await app.WaitForExitAsync();
        return 0;
    }

    private sealed record Run(List<double> Latencies, double Seconds)
    {
        public double PerSecond => Latencies.Count / Seconds;
    }

    private static async Task<Run> MeasureAsync(int clients, int count, Func<int, Task> request)
    {
        var latencies = new List<double>(count);
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, _) =>
        {
            var clock = Stopwatch.StartNew();
            await request(i);
            var ms = clock.Elapsed.TotalMilliseconds;
            lock (latencies)
            {
                latencies.Add(ms);
            }
        });
        return new Run(latencies, wall.Elapsed.TotalSeconds);
    }

    private static void Row(string path, int clients, Run run, Run floor) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {path} | {clients} | {run.PerSecond:F0} | {P(run, 0.50):F1} | {P(run, 0.95):F1} | {P(run, 0.99):F1} | {run.PerSecond / floor.PerSecond:P0} | {P(run, 0.50) - P(floor, 0.50):+0.0;-0.0} ms |"));

    private static double P(Run run, double p)
    {
        var sorted = run.Latencies.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static async Task TipAsync(HttpClient http, string report, int i)
    {
        using var content = new StringContent($"{{\"message\":\"{report[..^12]} {i:D11}\",\"language\":\"en\"}}", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/api/tips", UriKind.Relative), content);
        Ensure(response, HttpStatusCode.Accepted);
    }

    private static async Task SmsAsync(HttpClient http, string body, int i)
    {
        // A new number each time: every message opens a case, the dearer path.
        var form = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = TwilioStub.AccountSid,
            ["Body"] = body,
            ["From"] = "+4477" + (10_000_000 + i).ToString(CultureInfo.InvariantCulture),
            ["MessageSid"] = "SM" + Guid.NewGuid().ToString("N"),
            ["NumMedia"] = "0",
            ["To"] = TwilioStub.FromNumber,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/sms") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", Sign(WebhookBase + "/api/sms", form));
        using var response = await http.SendAsync(request);
        Ensure(response, HttpStatusCode.OK);
    }

    /// <summary>Twilio's documented scheme (HMAC-SHA1 of the URL and each name and value, sorted by name).</summary>
    private static string Sign(string url, SortedDictionary<string, string> form)
    {
        var data = new StringBuilder(url);
        foreach (var (name, value) in form)
        {
            data.Append(name).Append(value);
        }

#pragma warning disable CA5350 // Twilio signs webhooks with HMAC-SHA1: the harness must too.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(TwilioStub.AuthToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    private static void Ensure(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode}");
        }
    }

    /// <summary>The built app in its own process, intake only, no limits; <paramref name="overrides"/> win (a null value removes a setting).</summary>
    internal static Process StartApp(Azurite azurite, string publicPem, TwilioStub twilio, int port, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hotline.Functions.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Hotline__", StringComparison.Ordinal) || k.StartsWith("Twilio__", StringComparison.Ordinal) || k.StartsWith("AzureWebJobs", StringComparison.Ordinal) || k == "ASPNETCORE_URLS").ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Hotline__PublicKeyPem"] = publicPem,
            ["Hotline__PhonePepper"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Hotline__RateLimit__PerMinute"] = "0",
            ["Hotline__RateLimit__NetworkPerMinute"] = "0",
            ["Hotline__RateLimit__SitePerMinute"] = "0",
            ["Hotline__RateLimit__RefusalsPerMinute"] = "0",
            ["Twilio__AccountSid"] = TwilioStub.AccountSid,
            ["Twilio__AuthToken"] = TwilioStub.AuthToken,
            ["Twilio__PhoneNumber"] = TwilioStub.FromNumber,
            ["Twilio__WebhookBaseUrl"] = WebhookBase,
            ["Twilio__ApiBaseUrl"] = twilio.BaseAddress.ToString(),
            ["Responders__0__Name"] = "On call",
            ["Responders__0__Phone"] = "+447700900555",
            ["AzureWebJobs__DispatchTriage__Disabled"] = "true",
            ["AzureWebJobs__DispatchTriagePoison__Disabled"] = "true",
            ["AzureWebJobs__DispatchDigest__Disabled"] = "true",
            ["AzureWebJobs__SweepUntriaged__Disabled"] = "true",
            ["AzureWebJobs__DeleteProviderCopy__Disabled"] = "true",
            ["AzureWebJobs__FetchMedia__Disabled"] = "true",
            ["AzureWebJobs__FetchMediaPoison__Disabled"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
        })
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Waits for the app's first 200 on /api/health: it sets up its containers and queues in the background once
    /// it serves HTTP. With <paramref name="app"/>, its own process: a start-up failure ends the wait at once.
    /// </summary>
    internal static async Task WaitHealthyAsync(HttpClient http, Process? app = null)
    {
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
        {
            if (app is { HasExited: true })
            {
                throw new InvalidOperationException($"the app exited at start-up with {app.ExitCode}");
            }

            try
            {
                using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
                if (health.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
        }

        throw new TimeoutException("the app did not become healthy within 60 s");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The process's high-water mark of resident memory, from /proc (Linux).</summary>
    private static double PeakRssMiB(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>What any durable intake must do at least: write the report's bytes and queue a message.</summary>
    private sealed class Floor(string connectionString)
    {
        private readonly BlobContainerClient _container = new(connectionString, "floor");
        private readonly QueueClient _queue = new(connectionString, "floor", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        public async Task PrepareAsync()
        {
            await _container.CreateIfNotExistsAsync();
            await _queue.CreateIfNotExistsAsync();
        }

        public async Task WriteAsync(string report)
        {
            await _container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(BinaryData.FromString(report), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } });
            await _queue.SendMessageAsync("{\"tipId\":\"x\"}");
        }
    }
}
