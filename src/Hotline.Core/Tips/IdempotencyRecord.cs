using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hotline.Tips;

/// <summary>
/// What an idempotency key is bound to, in the <c>intake</c> container: the tip id it got, a keyed MAC of
/// the report's content (so a reused key with another report is refused instead of answered with the
/// first report's receipt), and when the report was received (so a retry queues what was stored). Three
/// lines of text; a record of one line (the tip id) is an older one, without a binding.
/// </summary>
public sealed record IdempotencyRecord(TipId TipId, string? ContentMac, DateTimeOffset? ReceivedAt)
{
    public BinaryData ToBinaryData() => BinaryData.FromString(string.Join('\n', TipId.Compact, ContentMac ?? string.Empty, ReceivedAt?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty));

    public static IdempotencyRecord Parse(BinaryData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var lines = data.ToString().Split('\n');
        if (!TipId.TryParse(lines[0], out var id))
        {
            throw new InvalidDataException("An idempotency record holds no tip id.");
        }

        var mac = lines.Length > 1 && lines[1].Length > 0 ? lines[1] : null;
        DateTimeOffset? receivedAt = lines.Length > 2 && DateTimeOffset.TryParse(lines[2], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;
        return new IdempotencyRecord(id.Value, mac, receivedAt);
    }

    /// <summary>Whether a request with this content may reuse the record: same content, or an older record without a binding.</summary>
    public bool Matches(string contentMac) =>
        ContentMac is null || CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(ContentMac), Encoding.ASCII.GetBytes(contentMac));
}
