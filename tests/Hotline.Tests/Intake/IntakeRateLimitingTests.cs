using System.Net;
using System.Net.Http.Json;
using Hotline.Admission;
using Hotline.Functions.Http;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Intake;

/// <summary>
/// Admission: the client address and its budgets (client, network, site), through the app's HTTP surface from
/// distinct loopback addresses; the budgets under the Functions host (X-Forwarded-For, IPv6) are tested through
/// WorkerHttpMiddlewareTests.
/// </summary>
public sealed class IntakeRateLimitingTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64", "2001:db8:1::/56", "2001:db8:1::/48")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64", "2001:db8:1::/56", "2001:db8:1::/48")]
    [InlineData("2001:db8:1:3ff::1", "2001:db8:1:3ff::/64", "2001:db8:1:300::/56", "2001:db8:1::/48")]
    [InlineData("203.0.113.7", "203.0.113.7", "203.0.113.0/24", null)]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7", "203.0.113.0/24", null)]
    [InlineData(null, "unknown", "unknown", null)]
    public void ClientNetworks_Address_CountsInItsClientNetworkAndSite(string? address, string client, string network, string? site)
    {
        // A client can take any of its /64's 2^64 addresses, and a provider's /48 holds 65,536 of those: each level
        // has a budget, so cheap address space cannot mint clients. A mapped IPv4 address is the IPv4 client it is.
        Assert.Equal(new ClientNetworks(client, network, site), ClientNetworks.Of(address));
    }

    [Fact]
    public async Task SubmitTip_OtherClientsSpentTheirBudgets_ClientWithinItsOwnIsAccepted()
    {
        // 155 clients of as many networks flood past their limit, 310 requests accepted; a real tipster on another
        // address is not refused for it (the global cap of 300 a minute this replaced was spent by then).
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:RateLimit:PerMinute"] = "2";
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);

        // (A budget under 3 a minute has a burst of all of it.)
        var flood = new List<HttpStatusCode>();
        for (var i = 0; i < 155; i++)
        {
            using var client = LoopbackClient.From(LoopbackClient.Address(10, i, 1), app.BaseAddress);
            for (var n = 0; n < 3; n++)
            {
                flood.Add(await PostAsync(client, $"flood probe {i}.{n}"));
            }
        }

        using var tipster = LoopbackClient.From(LoopbackClient.Address(11, 0, 9), app.BaseAddress);
        Assert.Equal(310, flood.Count(s => s == HttpStatusCode.Accepted));
        Assert.Equal(155, flood.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal([HttpStatusCode.Accepted, HttpStatusCode.Accepted], [await PostAsync(tipster, "They keep us in the basement"), await PostAsync(tipster, "Near the bus station")]);
    }

    [Fact]
    public async Task SubmitTip_NetworkBudgetSpent_RefusesThatNetworksClientsOnly()
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["Hotline:RateLimit:PerMinute"] = "5";
        settings["Hotline:RateLimit:NetworkPerMinute"] = "9";
        await using var app = await TestApp.StartAsync(settings, cancellationToken: Ct);

        // Three addresses of one /24 spend its burst (a third of its minute) between them; a fourth, within its own
        // budget, is refused with the time to wait; an address of the next /24 is not.
        var statuses = new List<HttpStatusCode>();
        for (var c = 1; c <= 3; c++)
        {
            using var client = LoopbackClient.From(LoopbackClient.Address(12, 0, c), app.BaseAddress);
            statuses.Add(await PostAsync(client, "network probe"));
        }

        using var fourth = LoopbackClient.From(LoopbackClient.Address(12, 0, 4), app.BaseAddress);
        using var refused = await fourth.PostAsJsonAsync("/api/tips", new { message = "network probe" }, Ct);
        using var neighbour = LoopbackClient.From(LoopbackClient.Address(12, 1, 4), app.BaseAddress);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Accepted, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(neighbour, "network probe"));
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

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, string message)
    {
        using var response = await client.PostAsJsonAsync("/api/tips", new { message }, Ct);
        return response.StatusCode;
    }
}
