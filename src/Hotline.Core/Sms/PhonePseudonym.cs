using System.Security.Cryptography;
using System.Text;

namespace Hotline.Sms;

/// <summary>
/// The keyed pseudonym of a phone number: HMAC-SHA256(pepper, E.164 number), hex. It threads a
/// tipster's messages into one case without the number ever leaving the encrypted envelope; without
/// the pepper (a secret) nobody can test a guessed number against it.
/// </summary>
public sealed class PhonePseudonym
{
    private readonly byte[] _pepper;

    public PhonePseudonym(string pepper)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pepper);
        _pepper = Encoding.UTF8.GetBytes(pepper);
    }

    public string Of(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_pepper, Encoding.UTF8.GetBytes(Normalize(phone))));
    }

    /// <summary>Twilio sends E.164 already; spaces, dashes and dots that a copy may add are removed.</summary>
    public static string Normalize(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var trimmed = phone.Trim();
        return trimmed.StartsWith('+') && trimmed.Skip(1).All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')')
            ? "+" + new string(trimmed.Where(char.IsAsciiDigit).ToArray())
            : trimmed;
    }
}
