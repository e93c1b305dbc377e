using System.Net;
using System.Net.Http.Json;
using Hotline.Functions.Http;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

/// <summary>
/// The rate limit's client address and buckets; the per-address limit under the Functions host is tested
/// through WorkerHttpMiddlewareTests.
/// </summary>
public sealed class IntakeRateLimitingTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "::ffff:203.0.113.7")]
    public void Bucket_IPv6Address_CountsByItsSlash64(string address, string bucket)
    {
        // Hardening 2: a client can take any of its /64's 2^64 addresses; counting single ones limits nothing.
        Assert.Equal(bucket, IntakeRateLimiter.Bucket(address));
    }

    [Fact]
    public async Task SubmitTip_GlobalBudgetSpent_Answers429WithRetryAfterWhateverTheAddress()
    {
        // Hardening 2: a budget for all addresses together, so a distributed flood cannot page without end.
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:RateLimit:GlobalPerMinute"] = "3";
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await app.Http.PostAsJsonAsync("/api/tips", new { message = "global budget probe " + i }, Ct);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.NotNull(response.Headers.RetryAfter);
            }
        }

        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests], statuses);
    }

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
        Assert.Equal(expected, IntakeRateLimiter.PlatformForwardedAddress(header));
    }
}
