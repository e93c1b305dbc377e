using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Hotline.Admission;
using Hotline.Functions.Hosting;
using Hotline.Functions.SubmitTip;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Http;

/// <summary>
/// Admission of intake, in memory only, by fairness rather than a global cap: a client may send
/// <c>Hotline__RateLimit__PerMinute</c> requests a minute (an IPv4 address, an IPv6 /64), its network
/// <c>__NetworkPerMinute</c> (IPv4 /24, IPv6 /56) and its IPv6 site <c>__SitePerMinute</c> (/48), so cheap address
/// space cannot mint clients; a client within its budgets is never refused because other clients flood.
/// <c>__GlobalPerMinute</c> is only a cost ceiling, off by default (see <see cref="RateLimitOptions"/>). 0 turns any
/// of them off. Partitions are keyed by a keyed hash of the bucket (a fresh key each process start), so not even
/// memory holds raw addresses, and the address is never logged or stored. Called by <see cref="HttpPolicies"/>,
/// the same code under either host.
/// </summary>
internal sealed class IntakeRateLimiter : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>The functions whose requests count: intake that stores and pages.</summary>
    private static readonly HashSet<string> LimitedFunctions = new(StringComparer.Ordinal) { SubmitTipFunction.Name };

    private readonly byte[] _processKey = RandomNumberGenerator.GetBytes(32);
    private readonly bool _behindFunctionsHost;
    private readonly PartitionedRateLimiter<string>? _client;
    private readonly PartitionedRateLimiter<string>? _network;
    private readonly PartitionedRateLimiter<string>? _site;
    private readonly PartitionedRateLimiter<string>? _refusals;
    private readonly FixedWindowRateLimiter? _ceiling;

    public IntakeRateLimiter(IOptions<HotlineOptions> options, HostingMode mode)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(mode);
        _behindFunctionsHost = mode.Kind == HostKind.Worker;
        var limits = options.Value.RateLimit;
        _client = PerBucket(limits.PerMinute);
        _network = PerBucket(limits.NetworkPerMinute);
        _site = PerBucket(limits.SitePerMinute);
        _refusals = limits.RefusalsPerMinute == 0 ? null : PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RefusalsPerMinute, Window = Window, QueueLimit = 0, AutoReplenishment = true }));
        _ceiling = limits.GlobalPerMinute == 0 ? null : new FixedWindowRateLimiter(new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.GlobalPerMinute,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>
    /// A token bucket per key: <paramref name="perMinute"/> a minute, one token at a time, and a burst of a third of
    /// it (at least 3, at most the whole minute's). A fixed window let every flooding client spend its whole minute at
    /// the window's first instant, all at once, and that burst of storage work is what slowed real tipsters' reports.
    /// </summary>
    private static PartitionedRateLimiter<string>? PerBucket(int perMinute) => perMinute == 0 ? null : PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Burst(perMinute),
            TokensPerPeriod = 1,
            ReplenishmentPeriod = Window / perMinute,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    internal static int Burst(int perMinute) => Math.Min(perMinute, Math.Max(3, perMinute / 3));

    /// <summary>
    /// Counts one request refused for its signature (one Twilio would never send) against the client's address.
    /// </summary>
    public void CountRefusal(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _refusals?.AttemptAcquire(Key(ClientNetworks.Of(ClientAddress(http)).Client)).Dispose();
    }

    /// <summary>
    /// The 429 answer for an address that used up its refusals this minute; null otherwise. Asked only once a
    /// request has failed the signature check, never in front of it (see <see cref="TwilioWebhookRequest"/>).
    /// </summary>
    public IResult? RefusalsExceeded(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (_refusals?.GetStatistics(Key(ClientNetworks.Of(ClientAddress(http)).Client)) is not { CurrentAvailablePermits: 0 })
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
        if (functionName is null || !LimitedFunctions.Contains(functionName))
        {
            return true;
        }

        // Narrowest first: a client over its own budget does not spend its network's.
        var networks = ClientNetworks.Of(ClientAddress(http));
        if (!Admits(_client, networks.Client, http) || !Admits(_network, networks.Network, http) || !Admits(_site, networks.Site, http))
        {
            return false;
        }

        using var ceiling = _ceiling?.AttemptAcquire();
        return ceiling is null or { IsAcquired: true } || Refuse(http, ceiling);
    }

    private bool Admits(PartitionedRateLimiter<string>? limiter, string? bucket, HttpContext http)
    {
        if (limiter is null || bucket is null)
        {
            return true;
        }

        using var lease = limiter.AttemptAcquire(Key(bucket));
        return lease.IsAcquired || Refuse(http, lease);
    }

    private static bool Refuse(HttpContext http, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return false;
    }

    /// <summary>
    /// The client's address as the budgets count it (the follow-up's look-up limit too); never logged or stored.
    /// Under the Functions host every request comes from the host on loopback, so the client is the
    /// X-Forwarded-For entry the platform's front end appended: the last one. Earlier entries are
    /// whatever the client sent, and must not choose the bucket. Standalone, the socket's peer.
    /// </summary>
    public string ClientAddress(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = _behindFunctionsHost ? PlatformForwardedAddress(http.Request.Headers["X-Forwarded-For"].ToString()) : null;
        return string.IsNullOrEmpty(address) ? http.Connection.RemoteIpAddress?.ToString() ?? "unknown" : address;
    }

    private string Key(string bucket) => Convert.ToHexString(HMACSHA256.HashData(_processKey, Encoding.UTF8.GetBytes(bucket)), 0, 16);

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
        _client?.Dispose();
        _network?.Dispose();
        _site?.Dispose();
        _refusals?.Dispose();
        _ceiling?.Dispose();
    }
}
