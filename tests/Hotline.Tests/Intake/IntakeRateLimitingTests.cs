using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Hotline.Functions.Intake;
using Hotline.Tests.Hosting;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

public sealed class IntakeRateLimitingTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("203.0.113.7:50123", "203.0.113.7")]
    [InlineData("198.51.100.1, 203.0.113.7:50123", "203.0.113.7")]
    [InlineData("spoofed,  203.0.113.7 ", "203.0.113.7")]
    [InlineData("2001:DB8::5", "2001:db8::5")]
    [InlineData("[2001:db8::5]", "2001:db8::5")]
    [InlineData("[2001:db8::5]:443", "2001:db8::5")]
    [InlineData("198.51.100.1, [2001:db8:0:0::5]:443", "2001:db8::5")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("", null)]
    [InlineData("203.0.113.7, ", null)]
    public void PlatformForwardedAddress_ForwardedFor_IsTheLastEntryWithoutPort(string header, string? expected)
    {
        Assert.Equal(expected, IntakeRateLimiting.PlatformForwardedAddress(header));
    }

    [Fact]
    public async Task SubmitTip_UnderFunctionsHostWithClientSuppliedForwardedFor_CountsThePlatformsAddress()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = StartupTests.FreePort().ToString(CultureInfo.InvariantCulture);
        settings["Hotline:RateLimit:PerMinute"] = "2";
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);

        // The front end appends the client it saw; whatever the client put before it is noise. A new
        // prefix must not buy a fresh bucket, nor spend someone else's.
        var statuses = new List<HttpStatusCode>();
        foreach (var forwardedFor in new[] { "198.51.100.1, 203.0.113.7:50123", "198.51.100.2, 203.0.113.7:50999", "203.0.113.7:51000", "203.0.113.7, 203.0.113.8:40000" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tips") { Content = JsonContent.Create(new { message = "rate limit probe" }) };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            using var response = await app.Http.SendAsync(request, Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests, HttpStatusCode.Accepted], statuses);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("203.0.113", StringComparison.Ordinal));
    }
}
