using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Azure.Storage.Blobs;
using Hotline.Storage;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infrastructure;

namespace Hotline.LoadTest;

/// <summary>
/// Admission under a flood (security.md, "Admission"): --flood-clients clients, each from its own loopback address
/// (127.0.0.0/8 gives distinct IPv4 clients on one machine), send web tips as fast as the machine lets them for
/// --flood-seconds, while real tipsters on other addresses send a web report every 2 seconds, in turn through the
/// JSON API, the form with JavaScript (fetch, same-origin) and the form without. Two floods: every flooder in a
/// network of its own (only the client budgets hold them), then every flooder in one /24 (its network budget
/// does). The app runs as the built executable with the default admission budgets and dispatch on (one responder,
/// the digest at its default), so its CPU time is its own and the responder's phone shows what a flood pages.
/// </summary>
internal static class FloodAdmission
{
    private static readonly TimeSpan TipsterEvery = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(Azurite azurite, string publicPem, int flooders, int seconds)
    {
        Console.WriteLine($"Admission under a flood: {flooders} flooding clients at the most the machine sustains for {seconds} s each run, real tipsters every {TipsterEvery.TotalSeconds:F0} s on other addresses; default budgets (10 a minute per client, 60 per /24, no global cap); {Environment.ProcessorCount} cores, app, Azurite and clients on one machine.");
        Console.WriteLine();
        Console.WriteLine("| flood | real tipsters accepted, latency | by path (JSON / JS form / no-JS form) | flood requests | flood accepted | flood refused 429 | app CPU per accepted forged tip | stored bytes per accepted tip | responder's phone |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        await RunOnceAsync(azurite, publicPem, flooders, seconds, spread: true);
        await RunOnceAsync(azurite, publicPem, flooders, seconds, spread: false);
        return 0;
    }

    private static async Task RunOnceAsync(Azurite azurite, string publicPem, int flooders, int seconds, bool spread)
    {
        await using var twilio = await TwilioStub.StartAsync();
        var port = IntakeBenchmark.FreePort();
        using var app = IntakeBenchmark.StartApp(azurite, publicPem, twilio, port, new Dictionary<string, string?>
        {
            ["Hotline__RateLimit__PerMinute"] = null,
            ["Hotline__RateLimit__NetworkPerMinute"] = null,
            ["Hotline__RateLimit__SitePerMinute"] = null,
            ["AzureWebJobs__DispatchTriage__Disabled"] = "false",
            ["AzureWebJobs__DispatchDigest__Disabled"] = "false",
            ["AzureWebJobs__SweepUntriaged__Disabled"] = "false",
        });
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        using (var probe = new HttpClient { BaseAddress = baseAddress })
        {
            await IntakeBenchmark.WaitHealthyAsync(probe, app);
        }

        var tipsBefore = await TipBytesAsync(azurite);
        app.Refresh();
        var cpuBefore = app.TotalProcessorTime;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var flood = new ConcurrentDictionary<HttpStatusCode, int>();
        var floodFailed = 0;
        var floodTasks = Enumerable.Range(0, flooders).Select(i => Task.Run(async () =>
        {
            // Spread: 127.20.i.7, a /24 each. Together: 127.30.0.(i+1), one /24.
            var address = spread ? LoopbackClient.Address(20 + (i / 250), i % 250, 7) : LoopbackClient.Address(30, i / 250, (i % 250) + 1);
            using var http = LoopbackClient.From(address, baseAddress);
            http.Timeout = TimeSpan.FromSeconds(30);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    using var response = await http.PostAsync(new Uri("/api/tips", UriKind.Relative), Json($"They are holding people at the warehouse, forged {i}.{n}"), stop.Token);
                    flood.AddOrUpdate(response.StatusCode, 1, (_, c) => c + 1);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref floodFailed);
                }
            }
        })).ToList();

        // Real tipsters: a new address each time (people, not one client), on networks the flood does not use.
        // Each on its schedule, whether the one before has been answered or not.
        var sent = new int[3];
        var accepted = new int[3];
        var latencies = new ConcurrentBag<double>();
        var real = new List<Task>();
        var due = Stopwatch.StartNew();
        for (var tipster = 0; !stop.IsCancellationRequested; tipster++)
        {
            var path = tipster % 3;
            var n = tipster;
            sent[path]++;
            real.Add(Task.Run(async () =>
            {
                using var http = LoopbackClient.From(LoopbackClient.Address(99, n % 250, 1 + (n / 250)), baseAddress);
                http.Timeout = TimeSpan.FromSeconds(30);
                var clock = Stopwatch.StartNew();
                try
                {
                    using var request = RealTip(path, n);
                    using var response = await http.SendAsync(request, CancellationToken.None);
                    if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK)
                    {
                        Interlocked.Increment(ref accepted[path]);
                        latencies.Add(clock.Elapsed.TotalMilliseconds);
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // No answer within the client's 30 s: not accepted.
                }
            }));

            var next = (TipsterEvery * (tipster + 1)) - due.Elapsed;
            if (next > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(next, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }

        await Task.WhenAll(real);
        await Task.WhenAll(floodTasks);
        app.Refresh();
        var cpu = app.TotalProcessorTime - cpuBefore;
        var floodAccepted = flood.GetValueOrDefault(HttpStatusCode.Accepted);
        var floodRequests = flood.Values.Sum() + floodFailed;
        var bytes = await TipBytesAsync(azurite) - tipsBefore;
        var realAccepted = accepted.Sum();
        var realSent = sent.Sum();
        var sorted = latencies.Order().ToList();
        var p50 = sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
        var p99 = sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.99))];

        // What the responder's phone got by the end of the flood (the digest pages once a minute above its threshold).
        var alerts = twilio.Sms.Where(s => s.To == "+447700900555").Select(s => s.SmsBody ?? string.Empty).ToList();
        var digests = alerts.Count(b => b.StartsWith("HOTLINE: MANY REPORTS AT ONCE", StringComparison.Ordinal));
        var label = spread ? $"{flooders} clients, a /24 each" : $"{flooders} clients in one /24";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {realAccepted}/{realSent} ({100.0 * realAccepted / Math.Max(1, realSent):F1} %), p50 {p50:F0} ms, p99 {p99:F0} ms | {accepted[0]}/{sent[0]} / {accepted[1]}/{sent[1]} / {accepted[2]}/{sent[2]} | {floodRequests} ({floodRequests / (double)seconds:F0}/s) | {floodAccepted} ({100.0 * floodAccepted / Math.Max(1, floodRequests):F1} %) | {flood.GetValueOrDefault(HttpStatusCode.TooManyRequests)} | {cpu.TotalMilliseconds / Math.Max(1, floodAccepted + realAccepted):F2} ms | {bytes / (double)Math.Max(1, floodAccepted + realAccepted):F0} B | {alerts.Count} messages, {digests} digests |"));
        if (flood.Keys.Except([HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests]).Any() || floodFailed > 0)
        {
            Console.WriteLine($"|  | flood's other answers: {string.Join(", ", flood.Where(f => f.Key is not HttpStatusCode.Accepted and not HttpStatusCode.TooManyRequests).Select(f => $"{(int)f.Key}: {f.Value}"))}{(floodFailed > 0 ? $", no answer: {floodFailed}" : string.Empty)} | | | | | | | |");
        }

        app.Kill(entireProcessTree: true);
        await app.WaitForExitAsync();
    }

    private static StringContent Json(string message) => new(System.Text.Json.JsonSerializer.Serialize(new { message }), System.Text.Encoding.UTF8, "application/json");

    private static HttpRequestMessage RealTip(int path, int n)
    {
        var message = $"My cousin is kept at a farm near the border and cannot leave, real tip {n} {Guid.NewGuid()}";
        if (path == 0)
        {
            return new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = Json(message) };
        }

        var form = new HttpRequestMessage(HttpMethod.Post, "/api/tips?lang=en")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = message, ["language"] = "en", ["idempotencyKey"] = Guid.NewGuid().ToString() }),
        };
        form.Headers.Accept.ParseAdd("text/html");
        if (path == 1)
        {
            // What the form's script sends: fetch from the page itself.
            form.Headers.Add("Sec-Fetch-Site", "same-origin");
            form.Headers.Add("Sec-Fetch-Mode", "cors");
        }

        return form;
    }

    /// <summary>The bytes stored in the tips container: what the accepted tips cost in storage.</summary>
    private static async Task<long> TipBytesAsync(Azurite azurite)
    {
        var container = new BlobContainerClient(azurite.ConnectionString, StorageNames.TipsContainer);
        if (!await container.ExistsAsync())
        {
            return 0;
        }

        long total = 0;
        await foreach (var blob in container.GetBlobsAsync())
        {
            total += blob.Properties.ContentLength ?? 0;
        }

        return total;
    }
}
