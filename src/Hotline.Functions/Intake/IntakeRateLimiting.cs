using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Hotline.Functions.Hosting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Intake;

/// <summary>
/// Per-client rate limiting of intake, in memory only. Partitions are keyed by a keyed hash of the
/// client address (a fresh key each process start), so not even memory holds raw addresses, and
/// the address is never logged or stored.
/// </summary>
internal static class IntakeRateLimiting
{
    public const string PolicyName = "intake";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddIntakeRateLimiting(this IServiceCollection services)
    {
        var processKey = RandomNumberGenerator.GetBytes(32);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<IOptions<HotlineOptions>>().Value.RateLimit.PerMinute;
                if (perMinute == 0)
                {
                    return RateLimitPartition.GetNoLimiter("off");
                }

                return RateLimitPartition.GetFixedWindowLimiter(ClientKey(http, processKey), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await IntakeResponses.TooManyRequests(context.HttpContext).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    /// <summary>
    /// Under the Functions host every request comes from the host on loopback, so the client is the
    /// X-Forwarded-For entry the platform's front end appended: the last one. Earlier entries are
    /// whatever the client sent, and must not choose the bucket. Standalone, the socket's peer.
    /// </summary>
    private static string ClientKey(HttpContext http, byte[] processKey)
    {
        string? address = null;
        if (HostingMode.IsUnderFunctionsHost(http.RequestServices.GetRequiredService<IConfiguration>()))
        {
            address = PlatformForwardedAddress(http.Request.Headers["X-Forwarded-For"].ToString());
        }

        if (string.IsNullOrEmpty(address))
        {
            address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        }

        return Convert.ToHexString(HMACSHA256.HashData(processKey, Encoding.UTF8.GetBytes(address)), 0, 16);
    }

    /// <summary>
    /// The last X-Forwarded-For entry as a canonical address, without the port the front end may add
    /// (<c>203.0.113.7:50123</c>, <c>[2001:db8::5]:443</c>); null when there is none.
    /// </summary>
    internal static string? PlatformForwardedAddress(string? forwardedFor)
    {
        var last = forwardedFor?[(forwardedFor.LastIndexOf(',') + 1)..].Trim();
        if (string.IsNullOrEmpty(last))
        {
            return null;
        }

        if (!IPAddress.TryParse(last, out var address))
        {
            if (!IPEndPoint.TryParse(last, out var endpoint))
            {
                return last;
            }

            address = endpoint.Address;
        }

        return (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }
}
