using System.Text;

namespace Hotline.Cli.Tips;

/// <summary>
/// Tip text is untrusted input on a responder's terminal. Before it is printed: C0 and C1 controls
/// (so ESC, and with it every ANSI sequence), DEL, and the bidi embeddings, overrides and isolates
/// (U+202A-U+202E, U+2066-U+2069) that can make text read differently from what it says are each
/// replaced by U+FFFD, so a responder sees that something was there. Line breaks and tabs stay.
/// Arabic and Farsi letters are untouched: the terminal lays them out.
/// </summary>
internal static class TerminalText
{
    public const char Replacement = '\uFFFD';

    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var clean = new StringBuilder(text.Length);
        foreach (var c in text.ReplaceLineEndings("\n"))
        {
            clean.Append(IsUnsafe(c) ? Replacement : c);
        }

        return clean.ToString();
    }

    public static bool IsUnsafe(char c) =>
        (c < 0x20 && c is not '\n' and not '\t')
        || c is >= '\u007F' and <= '\u009F'
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>A phone number with its middle hidden: <c>+306912345678</c> becomes <c>+30 69** *** *78</c>.</summary>
    public static string MaskPhone(string? phone)
    {
        var digits = new string((phone ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        return digits.Length < 7 ? "+** *** ***" : $"+{digits[..2]} {digits[2..4]}** *** *{digits[^2..]}";
    }
}
