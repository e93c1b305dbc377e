using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Hotline.Cases;

/// <summary>
/// The audit log's hash chain: each line carries SHA-256 over the chain value of the line before and its own
/// fields, so a line changed, removed or moved breaks every value after it. It is a plain hash, not a keyed one:
/// whoever can write the log can recompute the whole chain, which is why a head kept elsewhere is what
/// shows a rewrite (docs/responders.md).
/// </summary>
public static class AuditChain
{
    /// <summary>The value before the first line of the first log.</summary>
    public const string Start = "";

    /// <summary>Base64url, unpadded: 43 characters.</summary>
    public const int ValueLength = 43;

    public static string Next(string previous, string fields)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(fields);
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + fields)));
    }
}
