using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hotline.FollowUp;

/// <summary>
/// The web tipster's follow-up code: 16 digits from a CSPRNG (GlobaLeaks' receipt: it reads in any language and
/// can hide among phone contacts), shown grouped 4-4-4-4. It is the only secret a tipster keeps; nothing stores it.
/// </summary>
public static class FollowUpCode
{
    public const int Digits = 16;

    /// <summary>A fresh code, grouped: <c>1234 5678 9012 3456</c>.</summary>
    public static string New()
    {
        Span<char> digits = stackalloc char[Digits];
        for (var i = 0; i < Digits; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return Grouped(new string(digits));
    }

    /// <summary>The 16 ASCII digits grouped by four with spaces.</summary>
    public static string Grouped(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        return string.Join(' ', Enumerable.Range(0, digits.Length / 4).Select(i => digits.Substring(i * 4, 4)));
    }

    /// <summary>
    /// The code as 16 ASCII digits from what a tipster typed: any decimal digits a phone keyboard writes (Arabic-Indic,
    /// Persian, Devanagari, Bengali, full-width: every Unicode Nd digit), with or without spaces, dashes or dots
    /// between them. False for anything else: the caller answers it as it answers a wrong code.
    /// </summary>
    public static bool TryNormalize(string? typed, out string digits)
    {
        digits = string.Empty;
        if (typed is null || typed.Length > 64)
        {
            return false;
        }

        var ascii = new StringBuilder(Digits);
        foreach (var c in typed.Normalize(NormalizationForm.FormKC))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DecimalDigitNumber)
            {
                ascii.Append((char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c)));
            }
            else if (!(char.IsWhiteSpace(c) || c is '-' or '.' or '\u2010' or '\u2011' or '\u2012' or '\u2013' or '\u2014' or '\u2212' or '\u200E' or '\u200F' or '\u061C'))
            {
                return false;
            }
        }

        if (ascii.Length != Digits)
        {
            return false;
        }

        digits = ascii.ToString();
        return true;
    }
}
