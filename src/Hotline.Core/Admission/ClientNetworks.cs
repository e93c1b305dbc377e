using System.Net;
using System.Net.Sockets;

namespace Hotline.Admission;

/// <summary>
/// The budgets a client's address counts in, from narrow to wide: the client itself (an IPv4 address, an IPv6
/// /64: a subscriber can take any of its /64's 2^64 addresses, so counting single ones limits nothing), its network
/// (IPv4 /24, IPv6 /56) and, for IPv6, its site (/48), so one provider's allocation cannot mint thousands of
/// clients. An IPv4-mapped IPv6 address counts as the IPv4 address it is. Never logged or stored: callers hash.
/// </summary>
public sealed record ClientNetworks(string Client, string Network, string? Site)
{
    /// <summary>Every bucket of the client, narrowest first.</summary>
    public IEnumerable<string> All => Site is null ? [Client, Network] : [Client, Network, Site];

    public static ClientNetworks Of(string? address)
    {
        if (!IPAddress.TryParse(address, out var ip))
        {
            // No address to group by (a test server, a proxy that sent none): all such clients share one budget.
            var unknown = string.IsNullOrWhiteSpace(address) ? "unknown" : address.Trim();
            return new ClientNetworks(unknown, unknown, null);
        }

        if (ip.IsIPv4MappedToIPv6)
        {
            ip = ip.MapToIPv4();
        }

        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return new ClientNetworks(ip.ToString(), Prefix(ip, 24), null);
        }

        return new ClientNetworks(Prefix(ip, 64), Prefix(ip, 56), Prefix(ip, 48));
    }

    private static string Prefix(IPAddress ip, int bits)
    {
        var bytes = ip.GetAddressBytes();
        for (var i = bits / 8; i < bytes.Length; i++)
        {
            bytes[i] = 0;
        }

        return new IPAddress(bytes) + "/" + bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
