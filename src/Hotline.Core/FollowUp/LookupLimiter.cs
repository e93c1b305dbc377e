using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Hotline.Admission;
using Microsoft.Extensions.Options;

namespace Hotline.FollowUp;

/// <summary>
/// Failed follow-up look-ups counted per client, as intake's admission counts clients: per address (IPv4 address,
/// IPv6 /64) and per network (IPv4 /24, IPv6 /48), in fixed one-hour windows on the app's clock. Only failures count,
/// so a tipster who types the right code is never counted, and nothing is site-wide: a flood elsewhere locks no one
/// out (operators see it in <c>hotline.followup.lookups.failed</c>). In memory, keyed by a keyed hash of the bucket
/// (a fresh key each start): no address is kept. At 10 an hour an address needs 10^14 years for half of the 10^16 codes.
/// </summary>
public sealed class LookupLimiter(IOptions<FollowUpOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private const int MaxTracked = 100_000;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> _counts = new(StringComparer.Ordinal);

    /// <summary>When the client may try again (null: now). Asked before a look-up.</summary>
    public TimeSpan? RetryAfter(string? address)
    {
        var now = time.GetUtcNow();
        TimeSpan? wait = null;
        foreach (var (bucket, limit) in Buckets(address))
        {
            if (limit > 0 && _counts.TryGetValue(bucket, out var entry) && now - entry.Start < Window && entry.Count >= limit)
            {
                var left = entry.Start + Window - now;
                wait = wait is null || left > wait ? left : wait;
            }
        }

        return wait;
    }

    /// <summary>Counts one failed look-up against the client's address and network.</summary>
    public void CountFailure(string? address)
    {
        var now = time.GetUtcNow();
        if (_counts.Count > MaxTracked)
        {
            foreach (var stale in _counts.Where(e => now - e.Value.Start >= Window).Select(e => e.Key).ToList())
            {
                _counts.TryRemove(stale, out _);
            }
        }

        foreach (var (bucket, limit) in Buckets(address))
        {
            if (limit > 0)
            {
                _counts.AddOrUpdate(bucket, _ => (now, 1), (_, e) => now - e.Start >= Window ? (now, 1) : (e.Start, e.Count + 1));
            }
        }
    }

    /// <summary>The address's bucket and its network's (intake's buckets: <see cref="ClientNetworks"/>; for IPv6 the /48, a provider's site).</summary>
    private IEnumerable<(string Bucket, int Limit)> Buckets(string? address)
    {
        var networks = ClientNetworks.Of(address);
        yield return (Hash("a\n" + networks.Client), options.Value.FailuresPerHour);
        yield return (Hash("n\n" + (networks.Site ?? networks.Network)), options.Value.NetworkFailuresPerHour);
    }

    private string Hash(string value) => Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)), 0, 16);
}
