using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Hotline.Functions.Hosting;
using Hotline.Functions.SubmitTip;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Http;

/// <summary>
/// Rate limiting of intake, in memory only: <c>Hotline__RateLimit__PerMinute</c> requests per client
/// address (an IPv6 address by its /64) per minute, and <c>Hotline__RateLimit__GlobalPerMinute</c> for all
/// clients together (0 turns either off). Partitions are keyed by a keyed hash of the address (a
/// fresh key each process start), so not even memory holds raw addresses, and the address is never
/// logged or stored. Called by <see cref="HttpPolicies"/>, the same code under either host.
/// </summary>
internal sealed class IntakeRateLimiter : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>The functions whose requests count: intake that stores and pages.</summary>
    private static readonly HashSet<string> LimitedFunctions = new(StringComparer.Ordinal) { SubmitTipFunction.Name };

    private readonly byte[] _processKey = RandomNumberGenerator.GetBytes(32);
    private readonly bool _behindFunctionsHost;
    private readonly PartitionedRateLimiter<HttpContext>? _limiter;
    private readonly PartitionedRateLimiter<HttpContext>? _refusals;
    private readonly FixedWindowRateLimiter? _global;

    public IntakeRateLimiter(IOptions<HotlineOptions> options, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mode);
        _behindFunctionsHost = mode.Kind == HostKind.Worker;
        _limiter = PerClient(options.Value.RateLimit.PerMinute);
        _refusals = PerClient(options.Value.RateLimit.RefusalsPerMinute);
        var globalPerMinute = options.Value.RateLimit.GlobalPerMinute;
        _global = globalPerMinute == 0 ? null : new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = globalPerMinute,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private PartitionedRateLimiter<HttpContext>? PerClient(int perMinute) => perMinute == 0 ? null : PartitionedRateLimiter.Create<HttpContext, string>(http =>
        RateLimitPartition.GetFixedWindowLimiter(ClientKey(http), _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>
    /// Counts one request refused for its signature (one Twilio would never send) against the client's address.
    /// </summary>
    public void CountRefusal(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _refusals?.AttemptAcquire(http).Dispose();
    }

    /// <summary>
    /// The 429 answer for an address that used up its refusals this minute; null otherwise. Asked only once a
    /// request has failed the signature check, never in front of it (see <see cref="TwilioWebhookRequest"/>).
    /// </summary>
    public IResult? RefusalsExceeded(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (_refusals?.GetStatistics(http) is not { CurrentAvailablePermits: 0 })
        {
            return null;
        }

        http.Response.Headers.RetryAfter = ((int)Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return TypedResults.StatusCode(StatusCodes.Status429TooManyRequests);
    }

    /// <summary>
    /// True when the request may go on; otherwise false, with <c>Retry-After</c> set for the 429 answer.
    /// </summary>
    public bool TryAcquire(HttpContext http, string? functionName)
    {
        ArgumentNullException.ThrowIfNull(http);
        if ((_limiter is null && _global is null) || functionName is null || !LimitedFunctions.Contains(functionName))
        {
            return true;
        }

        using var lease = _limiter?.AttemptAcquire(http);
        if (lease is null or { IsAcquired: true })
        {
            // Then the budget of all addresses together: many addresses (a botnet, or one IPv6 prefix
            // after another) must not page responders without limit either.
            using var global = _global?.AttemptAcquire();
            if (global is null or { IsAcquired: true })
            {
                return true;
            }

            return Refuse(http, global);
        }

        return Refuse(http, lease);
    }

    private static bool Refuse(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return false;
    }

    /// <summary>
    /// Under the Functions host every request comes from the host on loopback, so the client is the
    /// X-Forwarded-For entry the platform's front end appended: the last one. Earlier entries are
    /// whatever the client sent, and must not choose the bucket. Standalone, the socket's peer.
    /// </summary>
    private string ClientKey(HttpContext http) =>
        Convert.ToHexString(HMACSHA256.HashData(_processKey, Encoding.UTF8.GetBytes(Bucket(ClientAddress(http)))), 0, 16);

    /// <summary>The client's address as the limits count it (the follow-up's look-up limit too); never logged or stored.</summary>
    public string ClientAddress(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = _behindFunctionsHost ? PlatformForwardedAddress(http.Request.Headers["X-Forwarded-For"].ToString()) : null;
        return string.IsNullOrEmpty(address) ? http.Connection.RemoteIpAddress?.ToString() ?? "unknown" : address;
    }

    /// <summary>
    /// The bucket an address counts in: an IPv4 address itself, an IPv6 address its /64 (one subscriber's
    /// network: a client can take any of its 2^64 addresses, so counting single addresses limits nothing).
    /// </summary>
    internal static string Bucket(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || ip.IsIPv4MappedToIPv6)
        {
            return address;
        }

        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
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

    public void Dispose()
    {
        _limiter?.Dispose();
        _refusals?.Dispose();
        _global?.Dispose();
    }
}
