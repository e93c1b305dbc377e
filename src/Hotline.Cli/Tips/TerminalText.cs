using System.Text;

namespace Hotline.Cli.Tips;

/// <summary>
/// Tip text is untrusted input on a responder's terminal. Before it is printed: C0 and C1 controls
/// (so ESC, and with it every ANSI sequence), DEL, and the bidi embeddings, overrides and isolates
/// (U+202A-U+202E, U+2066-U+2069) that can make text read differently from what it says are each
/// replaced by U+FFFD, so a responder sees that something was there. Line breaks and tabs stay.
/// Arabic and Farsi letters are untouched: the terminal lays them out. Tip text may also be written to
/// look like the tool's own lines: <see cref="Quoted"/> puts every line of it behind <see cref="Quote"/>,
/// which no line of the tool's starts with, and <see cref="Line"/> keeps a field within the tool's line.
/// </summary>
internal static class TerminalText
{
    public const char Replacement = '\uFFFD';

    /// <summary>What every line of untrusted text starts with, and no line of the tool's.</summary>
    public const string Quote = "| ";

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

    /// <summary>A field inside one of the tool's lines: cleaned, and a line break in it shown as U+FFFD, so it cannot open a line.</summary>
    public static string Line(string? text) => Clean(text).Replace('\n', Replacement);

    /// <summary>Untrusted text of any number of lines, cleaned, each line behind <see cref="Quote"/>.</summary>
    public static IEnumerable<string> Quoted(string? text) => Clean(text).Split('\n').Select(line => Quote + line);

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
