using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Azure;
using Hotline.Functions.Hosting;
using Hotline.Functions.Http;
using Hotline.Functions.SubmitTip;
using Hotline.Functions.TipForm;
using Hotline.Tests.Infrastructure;
using Hotline.Tips;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hotline.Tests.Hosting;

/// <summary>
/// Worker mode's cross-cutting HTTP behaviour, through <see cref="WorkerHttpMiddleware"/> itself, since no
/// Functions host runs here. Each request goes over real HTTP to Kestrel, where the worker's ASP.NET Core
/// integration is stood in for as it behaves: the middleware runs around the function with the request's
/// HttpContext, then the invocation's result is executed against the response. The services are the
/// app's own, in worker mode, on a real Azurite.
/// </summary>
public sealed class WorkerHttpMiddlewareTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WorkerHttpMiddleware_FormRequest_SetsTheSecurityHeaders()
    {
        await using var worker = await WorkerPipeline.StartAsync(azurite, TipFormFunction.Name, http => TipFormFunction.Run(http.Request, http.RequestAborted));

        using var response = await worker.Http.GetAsync(new Uri("/api/tips/form", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Functions.Http.SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("<form", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkerHttpMiddleware_StorageFailsInsideTheFunction_Answers503ProblemWithRetryAfter()
    {
        await using var worker = await WorkerPipeline.StartAsync(azurite, SubmitTipFunction.Name, _ => throw new RequestFailedException(500, "storage said no"));

        using var response = await worker.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), JsonContent.Create(new { message = "a report" }), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("may not have reached us", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(Functions.Http.SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains(worker.Logs.Lines, l => l.Contains("SubmitTip failed with Azure.RequestFailedException", StringComparison.Ordinal));
        Assert.DoesNotContain(worker.Logs.Lines, l => l.Contains("storage said no", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerHttpMiddleware_BugInsideTheFunctionOnAFormPost_Answers500ReadablePageNotAnEmptyBody()
    {
        await using var worker = await WorkerPipeline.StartAsync(azurite, SubmitTipFunction.Name, _ => throw new InvalidOperationException("a bug that quotes the tip: they took our passports"));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["message"] = "they took our passports", ["language"] = "ar" });
        using var response = await worker.Http.PostAsync(new Uri("/api/tips", UriKind.Relative), form, Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("dir=\"rtl\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("passports", page, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", page, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.Logs.Lines, l => l.Contains("passports", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerHttpMiddleware_ClientSuppliedForwardedFor_RateLimitsByThePlatformsEntry()
    {
        var invoked = 0;
        await using var worker = await WorkerPipeline.StartAsync(
            azurite,
            SubmitTipFunction.Name,
            http =>
            {
                Interlocked.Increment(ref invoked);
                return SubmitTipFunction.SubmitAsync(http.Request, http.RequestServices.GetRequiredService<TipIntake>(), hotlineNumber: null, http.RequestAborted);
            },
            perMinute: 2);

        // The front end appends the client it saw; whatever the client put before it is noise. A new
        // prefix must not buy a fresh bucket, nor spend someone else's.
        var statuses = new List<HttpStatusCode>();
        foreach (var forwardedFor in new[] { "198.51.100.1, 203.0.113.7:50123", "198.51.100.2, 203.0.113.7:50999", "203.0.113.7:51000", "203.0.113.7, 203.0.113.8:40000" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(new { message = "rate limit probe" }) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await worker.Http.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture) > 0);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.Accepted], statuses);
        Assert.Equal(3, invoked);
        Assert.DoesNotContain(worker.Logs.Lines, l => l.Contains("203.0.113", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WorkerHttpMiddleware_ManyIPv6NetworksOfOneSite_ShareTheSitesBudgetAndSpendNoOtherSites()
    {
        // A provider's /48 holds 256 /56 networks and 65,536 /64 clients: synthetic addresses from a different /64 and
        // /56 each time, as an attacker with a /48 would send, all count against the site.
        await using var worker = await WorkerPipeline.StartAsync(
            azurite,
            SubmitTipFunction.Name,
            http => SubmitTipFunction.SubmitAsync(http.Request, http.RequestServices.GetRequiredService<TipIntake>(), hotlineNumber: null, http.RequestAborted),
            perMinute: 10,
            more: new Dictionary<string, string?> { ["Hotline:RateLimit:NetworkPerMinute"] = "10", ["Hotline:RateLimit:SitePerMinute"] = "3" });

        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { "2001:db8:7:100::1", "2001:db8:7:200::2", "[2001:db8:7:300:aaaa::3]:443", "2001:db8:7:400::4", "2001:db8:7:500::5", "2001:db8:8:100::1" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(new { message = "site budget probe" }) };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await worker.Http.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.Accepted], statuses);
        Assert.DoesNotContain(worker.Logs.Lines, l => l.Contains("2001:db8", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task WorkerHttpMiddleware_QueueInvocation_PassesThroughUntouched()
    {
        await using var app = await WorkerPipeline.StartAppAsync(azurite, perMinute: 0);
        var middleware = ActivatorUtilities.CreateInstance<WorkerHttpMiddleware>(app.Services);
        var invocation = new WorkerInvocation("DispatchTriage", app.Services);
        var ran = false;

        await middleware.Invoke(invocation, _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(ran);
        Assert.Null(invocation.Result);
    }

    [Fact]
    public async Task WorkerHttpMiddleware_QueueInvocationThrows_FailsTheInvocationSoTheHostRetries()
    {
        await using var app = await WorkerPipeline.StartAppAsync(azurite, perMinute: 0);
        var middleware = ActivatorUtilities.CreateInstance<WorkerHttpMiddleware>(app.Services);
        var invocation = new WorkerInvocation("DispatchTriage", app.Services);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await middleware.Invoke(invocation, _ => throw new InvalidDataException("not a triage message")));
    }

    /// <summary>Kestrel standing in for the worker's ASP.NET Core integration around one function.</summary>
    private sealed class WorkerPipeline : IAsyncDisposable
    {
        private readonly WebApplication _kestrel;
        private readonly TestApp _app;

        private WorkerPipeline(WebApplication kestrel, TestApp app)
        {
            _kestrel = kestrel;
            _app = app;
            var address = kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Http = new HttpClient { BaseAddress = new Uri(address) };
        }

        public HttpClient Http { get; }

        public LogCapture Logs => _app.Logs;

        /// <summary>The app's services as the worker builds them (worker mode), on the test's Azurite.</summary>
        public static Task<TestApp> StartAppAsync(AzuriteFixture azurite, int perMinute, IReadOnlyDictionary<string, string?>? more = null)
        {
            var settings = TestApp.BaseSettings(azurite.ConnectionString);
            settings["Hotline:RateLimit:PerMinute"] = perMinute.ToString(CultureInfo.InvariantCulture);
            foreach (var (key, value) in more ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            return TestApp.StartAsync(settings, configureServices: (services, _) => services.AddSingleton(new HostingMode(HostKind.Worker, VerifyOnly: false, [])), cancellationToken: Ct);
        }

        public static async Task<WorkerPipeline> StartAsync(AzuriteFixture azurite, string functionName, Func<HttpContext, Task<IResult>> function, int perMinute = 0, IReadOnlyDictionary<string, string?>? more = null)
        {
            var app = await StartAppAsync(azurite, perMinute, more);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var kestrel = builder.Build();
            var middleware = ActivatorUtilities.CreateInstance<WorkerHttpMiddleware>(app.Services);
            kestrel.Run(async http =>
            {
                http.RequestServices = app.Services;
                var invocation = new WorkerInvocation(functionName, app.Services, http);

                // The function executor: the function's return value becomes the invocation result.
                await middleware.Invoke(invocation, async context => context.GetInvocationResult().Value = await function(http));

                // FunctionsHttpProxyingMiddleware: an IResult left as the invocation result is executed.
                if (invocation.Result is IResult result)
                {
                    await result.ExecuteAsync(http);
                }
            });
            await kestrel.StartAsync(Ct);
            return new WorkerPipeline(kestrel, app);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _kestrel.DisposeAsync();
            await _app.DisposeAsync();
        }
    }
}
