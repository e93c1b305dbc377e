using Hotline.Functions.Http;

namespace Hotline.Tests.Intake;

/// <summary>The rate limit's client address under the Functions host; the limit itself is tested through WorkerHttpMiddlewareTests.</summary>
public sealed class IntakeRateLimitingTests
{
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
