using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hotline.Diagnostics;
using Hotline.Tests.Dispatch;
using Hotline.Tests.Infra;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Hotline.Tests.Telemetry;

/// <summary>
/// What the app would export to Application Insights, caught by exporters added after the app's own pipeline (as
/// the Azure Monitor exporter is): a whole tip-to-alert run, requests carrying canaries in every place a client
/// controls, and spans and logs written the way a library might write them, then scanned.
/// </summary>
public sealed partial class TelemetryTests(OwnAzurite storage) : IClassFixture<OwnAzurite>, IAsyncLifetime
{
    private const string PublicBase = DispatchingApp.PublicBase;
    private static readonly ActivitySource Hostile = new("Hotline.Tests.Hostile");
    private readonly ExportedTelemetry _telemetry = new(Hostile.Name);
    private DispatchingApp? _run;

    private TestApp App => _run!.App;

    private TwilioStub Twilio => _run!.Twilio;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _run = await DispatchingApp.StartAsync(storage.ConnectionString, "+447700900556", _telemetry.AddTo, Ct);

    public async ValueTask DisposeAsync()
    {
        if (_run is not null)
        {
            await _run.DisposeAsync();
        }
    }

    [Fact]
    public async Task Telemetry_TipsRequestsAndAlerts_ExportNoTipTextNumberAddressOrQuery()
    {
        var text = PrivacyCanaries.Register("The boss keeps nine passports in the van " + Guid.NewGuid());
        var place = PrivacyCanaries.Register("Kanjiza" + Guid.NewGuid().ToString("N")[..8]);
        var address = PrivacyCanaries.Register("203.0.113." + Random.Shared.Next(1, 254).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var query = PrivacyCanaries.Register("q" + Guid.NewGuid().ToString("N"));
        var tipster = PrivacyCanaries.Register("+4477009" + Random.Shared.Next(10_000, 99_999).ToString(System.Globalization.CultureInfo.InvariantCulture));

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips?lang=en&ref=" + query) { Content = JsonContent.Create(new { message = text, location = place }) })
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", address);
            request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 " + query);
            using var response = await App.Http.SendAsync(request, Ct);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        using (var sms = (await TwilioStub.InboundSmsAsync(PublicBase, tipster, text + " sms"))())
        {
            using var response = await App.Http.SendAsync(sms, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A path no route matches, chosen by the client. Not a registered canary: ASP.NET Core puts the request path
        // in a log scope, which the test log capture records (no provider of the app's writes scopes out).
        var path = "Subotica" + Guid.NewGuid().ToString("N");
        using (var unknown = await App.Http.GetAsync(new Uri("/" + path + "?x=" + query, UriKind.Relative), Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(Twilio.Sms.Count >= 2), TimeSpan.FromSeconds(30), "both alerts sent");
        var exported = _telemetry.Flush(App.Services);
        Assert.Contains("Microsoft.AspNetCore.Hosting.HttpRequestIn", exported, StringComparison.Ordinal);
        Assert.Contains("stored and queued", exported, StringComparison.Ordinal);
        Assert.Empty(PrivacyCanaries.FoundIn(exported));
        Assert.DoesNotContain(path, exported, StringComparison.Ordinal);
        Assert.DoesNotContain(tipster[1..], exported, StringComparison.Ordinal);
        Assert.DoesNotContain("url.query", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("client.address", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.AspNetCore.Hosting", _telemetry.Logs, StringComparer.Ordinal);
    }

    [Fact]
    public void Telemetry_SpanWithClientDataOrAnException_IsStrippedOrNotExported()
    {
        var media = PrivacyCanaries.Register("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM" + Guid.NewGuid().ToString("N") + "/Media/ME1");
        var address = PrivacyCanaries.Register("198.51.100." + Random.Shared.Next(1, 254).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var secret = PrivacyCanaries.Register("They hit us at night " + Guid.NewGuid());

        using (var span = Hostile.StartActivity("GET"))
        {
            Assert.NotNull(span);
            span.SetTag("http.request.method", "GET").SetTag("http.response.status_code", 200).SetTag("url.full", media)
                .SetTag("url.query", "?a=" + secret).SetTag("client.address", address).SetTag("http.client_ip", address)
                .SetTag("http.request.header.x_forwarded_for", address).SetTag("user_agent.original", secret).SetTag("messaging.message.id", secret);
            span.SetStatus(ActivityStatusCode.Error, secret);
        }

        using (var failed = Hostile.StartActivity("failed"))
        {
            Assert.NotNull(failed);
            failed.AddException(new InvalidOperationException(secret));
        }

        _telemetry.Flush(App.Services);

        var exported = string.Join('\n', _telemetry.Spans);
        Assert.Contains("GET [http.request.method=GET, http.response.status_code=200]", exported, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", exported, StringComparison.Ordinal);
        Assert.Empty(PrivacyCanaries.FoundIn(exported));
    }

    [Fact]
    public void Telemetry_LogWithAnException_ExportsItsTypeAndStackButNotItsMessage()
    {
        // Not a registered canary: this test writes it to the app's log on purpose, where the whole run's scan would find it.
        var secret = "Unexpected character in 'my sister is held in Edirne' " + Guid.NewGuid();
        var logger = App.Services.GetRequiredService<ILoggerFactory>();
        Exception thrown;
        try
        {
            throw new JsonException(secret);
        }
        catch (JsonException ex)
        {
            thrown = ex;
        }

        ReadFailed(logger.CreateLogger("Hotline.Functions.Test"), thrown);
        FrameworkLine(logger.CreateLogger("Microsoft.AspNetCore.Server.Kestrel"), secret);
        _telemetry.Flush(App.Services);

        var exported = string.Join('\n', _telemetry.Logs);
        Assert.Contains("Reading a report failed.", exported, StringComparison.Ordinal);
        Assert.Contains("System.Text.Json.JsonException (message not exported)", exported, StringComparison.Ordinal);
        Assert.Contains(nameof(Telemetry_LogWithAnException_ExportsItsTypeAndStackButNotItsMessage), exported, StringComparison.Ordinal);
        Assert.DoesNotContain("Framework line", exported, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, exported, StringComparison.Ordinal);
    }

    [Fact]
    public void Telemetry_LogInsideAScope_ExportsTheLineButNotTheScope()
    {
        // ASP.NET Core opens a scope with the request path, which the client chooses. Not a registered canary: the
        // test log capture records scopes on purpose.
        var path = "/api/tips/Kumanovo" + Guid.NewGuid().ToString("N");
        var logger = App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Hotline.Functions.Test");

        using (logger.BeginScope(new Dictionary<string, object> { ["RequestPath"] = path }))
        {
            ReadFailed(logger, new InvalidOperationException("failed"));
        }

        _telemetry.Flush(App.Services);

        var exported = string.Join('\n', _telemetry.Logs);
        Assert.Contains("Reading a report failed.", exported, StringComparison.Ordinal);
        Assert.DoesNotContain(path, exported, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_TipAndAlert_CountTheReportTheDeliveryAndItsLatency()
    {
        using var response = await App.Http.PostAsJsonAsync("/api/tips", new { message = "Workers at the farm have not been paid for months " + Guid.NewGuid() }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // The meter is one per process (other tests' apps count too): at least this test's report and alert. The
        // delivery is counted once Twilio has answered, a moment after the stub saw the request; the latency is
        // recorded just before it, and a collection may fall between the two, so the wait is for both.
        await Eventually.TrueAsync(
            () =>
            {
                _telemetry.Flush(App.Services);
                return Task.FromResult(Sum("hotline.alerts", ("channel", "sms"), ("outcome", "sent")) >= 1 && LatencyCount() >= 1);
            },
            TimeSpan.FromSeconds(30),
            "the alert counted as sent, with its latency");
        Assert.True(Sum("hotline.reports.accepted", ("channel", "web")) >= 1);
        Assert.True(LatencyCount() >= 1);
        Assert.All(_telemetry.Metrics.Where(m => m.Name.StartsWith("hotline.", StringComparison.Ordinal)).SelectMany(m => m.MetricPoints).SelectMany(ExportedTelemetry.Tags),
            tag => Assert.Contains(tag.Key, new[] { "channel", "outcome", "queue" }));
    }

    private long LatencyCount() =>
        _telemetry.Metrics.Where(m => m.Name == "hotline.alert.latency").SelectMany(m => m.MetricPoints).Select(p => p.GetHistogramCount()).DefaultIfEmpty(0).Max();

    [LoggerMessage(1, LogLevel.Error, "Reading a report failed.")]
    private static partial void ReadFailed(ILogger logger, Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Framework line about {Path}")]
    private static partial void FrameworkLine(ILogger logger, string path);

    [Fact]
    public async Task Telemetry_FollowUpLookUpsAndAdditions_ExportNoCodeTokenOrTextAndCountFailedLookUps()
    {
        var text = PrivacyCanaries.Register("They keep our passports in the office safe " + Guid.NewGuid());
        string thanks;
        using (var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = text, ["language"] = "en" }))
        using (var submitted = await App.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), form, Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            thanks = await submitted.Content.ReadAsStringAsync(Ct);
        }

        var code = PrivacyCanaries.Register(Regex.Match(thanks, "id=\"followup-code\">([0-9 ]+)<").Groups[1].Value);
        PrivacyCanaries.Register(code.Replace(" ", string.Empty, StringComparison.Ordinal));
        _telemetry.Flush(App.Services);
        var before = Sum(HotlineMetrics.FollowUpFailuresMetric, ("outcome", "wrong"));

        using (var wrong = new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = "1111 2222 3333 4444", ["language"] = "en" }))
        using (var refused = await App.Http.PostAsync(new Uri("/followup?lang=en", UriKind.Relative), wrong, Ct))
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }

        string page;
        using (var right = new FormUrlEncodedContent(new Dictionary<string, string> { ["code"] = code, ["language"] = "en" }))
        using (var opened = await App.Http.PostAsync(new Uri("/followup?lang=en", UriKind.Relative), right, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
            page = await opened.Content.ReadAsStringAsync(Ct);
        }

        string Hidden(string name) => Regex.Match(page, $"name=\"{name}\" value=\"([^\"]*)\"").Groups[1].Value;
        var token = PrivacyCanaries.Register(Hidden("token"));
        var added = PrivacyCanaries.Register("The safe is in the back room " + Guid.NewGuid());
        using (var message = new FormUrlEncodedContent(new Dictionary<string, string> { ["language"] = "en", ["case"] = Hidden("case"), ["token"] = token, ["nonce"] = Hidden("nonce"), ["message"] = added }))
        using (var sent = await App.Http.PostAsync(new Uri("/followup/message?lang=en", UriKind.Relative), message, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        var exported = _telemetry.Flush(App.Services);
        Assert.Contains("follow-up code opened a conversation", exported, StringComparison.Ordinal);
        Assert.Empty(PrivacyCanaries.FoundIn(exported));
        Assert.Equal(before + 1, Sum(HotlineMetrics.FollowUpFailuresMetric, ("outcome", "wrong")));
    }

    [Fact]
    [Trait(Tier.Name, Tier.Slow)] // Bicep: the fast tier compiles no infra (the compile is the test's only slow part).
    public async Task PoisonAlertRule_MessageOnThePoisonQueue_Fires()
    {
        // The rule as infra/main.bicep compiles: a query over the exported metric, and a condition on its rows.
        await using var bicep = new MainBicepFixture();
        await bicep.InitializeAsync();
        var query = bicep.Template.GetProperty("variables").GetProperty("alertRules").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "poison").GetProperty("query").GetString()!;
        var parsed = MetricRuleQuery().Match(query);
        Assert.True(parsed.Success, query);
        var criterion = Assert.Single(bicep.Resources("Microsoft.Insights/scheduledQueryRules")).GetProperty("properties").GetProperty("criteria").GetProperty("allOf")[0];
        Assert.Equal(("Count", "GreaterThan", 0), (criterion.GetProperty("timeAggregation").GetString(), criterion.GetProperty("operator").GetString(), criterion.GetProperty("threshold").GetInt32()));
        var metric = parsed.Groups["metric"].Value;
        var threshold = long.Parse(parsed.Groups["threshold"].Value, System.Globalization.CultureInfo.InvariantCulture);
        _telemetry.Flush(App.Services);
        var before = Total(metric);

        // What the host does after five failed deliveries: the message lands on triage-poison.
        var failed = new Hotline.Triage.TriageMessage("K7QF-2M9X-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant(), Hotline.Triage.Channel.Web, Hotline.Triage.Urgency.High, DateTimeOffset.UtcNow, "en");
        await storage.Queue(Hotline.Storage.StorageNames.TriagePoisonQueue).CreateIfNotExistsAsync(cancellationToken: Ct);
        await storage.Queue(Hotline.Storage.StorageNames.TriagePoisonQueue).SendMessageAsync(failed.ToJson(), Ct);

        // Azure Monitor receives the counter as deltas: the rule's sum over its window is the rise seen here, and
        // one row (more than the criterion's 0) fires it.
        await Eventually.TrueAsync(
            () =>
            {
                _telemetry.Flush(App.Services);
                return Task.FromResult(Total(metric) - before > threshold);
            },
            TimeSpan.FromSeconds(30),
            "the poison rule's condition met");
        Assert.True(Sum(metric, ("queue", Hotline.Storage.StorageNames.TriagePoisonQueue)) >= 1);
        await Eventually.TrueAsync(() => Task.FromResult(Twilio.Sms.Any(r => r.SmsBody!.Contains(failed.TipId, StringComparison.Ordinal))), TimeSpan.FromSeconds(30), "the responders told");
    }

    [GeneratedRegex("""^customMetrics \| where name == "(?<metric>[a-z.]+)" \| summarize (?<column>\w+) = sum\(valueSum\) \| where \k<column> > (?<threshold>\d+)$""")]
    private static partial Regex MetricRuleQuery();

    /// <summary>The metric's latest cumulative value, over all its tags.</summary>
    private long Total(string name) =>
        _telemetry.Metrics.LastOrDefault(m => m.Name == name)?.MetricPoints.Sum(p => p.GetSumLong()) ?? 0;

    private long Sum(string name, params (string Key, string Value)[] tags) =>
        _telemetry.Metrics.Where(m => m.Name == name).SelectMany(m => m.MetricPoints)
            .Where(p => tags.All(t => ExportedTelemetry.Tags(p).Any(kv => kv.Key == t.Key && Equals(kv.Value, t.Value))))
            .Select(p => p.GetSumLong()).DefaultIfEmpty(0).Max();
}
