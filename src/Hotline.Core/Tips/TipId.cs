using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Hotline.Tips;

/// <summary>
/// A report's id and the tipster's receipt: 60 random bits from a CSPRNG in Crockford's base-32
/// (no I, L, O or U), written as three groups of four, e.g. <c>K7QF-2M9X-4TJD</c>. Read back over
/// a phone, the look-alikes O/0 and I/L/1 parse to the same id. It names a case; it is not a secret.
/// </summary>
public readonly record struct TipId
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int Length = 12;

    private readonly string _value;

    private TipId(string value) => _value = value;

    /// <summary>The canonical form without separators, e.g. <c>K7QF2M9X4TJD</c>: what blob names use.</summary>
    public string Compact => _value ?? throw new InvalidOperationException("Default TipId.");

    public static TipId New()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        var bits = BitConverter.ToUInt64(bytes);
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[(int)(bits & 31)];
            bits >>= 5;
        }

        return new TipId(new string(chars));
    }

    /// <summary>Parses what a person typed: any case, with or without dashes or spaces, O for 0, I or L for 1.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out TipId? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 32)
        {
            return false;
        }

        Span<char> chars = stackalloc char[Length];
        var n = 0;
        foreach (var raw in text)
        {
            if (raw is '-' or ' ' or '\u2010' or '\u2011' or '\u2012' or '\u2013')
            {
                continue;
            }

            var c = char.ToUpperInvariant(raw) switch
            {
                'O' => '0',
                'I' or 'L' => '1',
                var other => other,
            };
            if (n == Length || !Alphabet.Contains(c, StringComparison.Ordinal))
            {
                return false;
            }

            chars[n++] = c;
        }

        if (n != Length)
        {
            return false;
        }

        id = new TipId(new string(chars));
        return true;
    }

    /// <summary>The form shown to people: <c>K7QF-2M9X-4TJD</c>.</summary>
    public override string ToString() => $"{Compact[..4]}-{Compact[4..8]}-{Compact[8..]}";
}
