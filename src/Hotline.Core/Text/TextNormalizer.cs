using System.Globalization;
using System.Text;

namespace Hotline.Text;

/// <summary>
/// Folds text for keyword matching: lower case, no diacritics, Arabic and Persian letter variants
/// merged (alef forms, yeh/keheh/teh marbuta/heh with yeh above, tatweel, harakat), Cyrillic ё→е, punctuation to spaces.
/// Tipsters on cheap phones type however their keyboard lets them; the rules must not care.
/// </summary>
public static class TextNormalizer
{
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length + 2);
        sb.Append(' ');
        foreach (var ch in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(ch);
            if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format && ch != '\u200C')
            {
                continue;
            }

            var folded = ch switch
            {
                '\u0622' or '\u0623' or '\u0625' or '\u0671' => '\u0627', // alef with madda/hamza, wasla -> alef
                '\u0649' or '\u06CC' or '\u064A' or '\u0626' or '\u06D0' => '\u064A', // alef maksura, Persian yeh, yeh with hamza -> yeh
                '\u06A9' or '\u0643' => '\u0643', // keheh (Persian kaf) -> kaf
                '\u0629' => '\u0647', // teh marbuta -> heh
                '\u06D5' or '\u06C1' => '\u0647', // ae (what heh with yeh above, U+06C0, decomposes to) and heh goal -> heh
                '\u0624' => '\u0648', // waw with hamza -> waw
                '\u0640' => '\0', // tatweel
                '\u200C' => ' ', // zero-width non-joiner (Persian): a word joint, match across it
                'ё' or 'Ё' => 'е',
                _ when char.IsPunctuation(ch) || char.IsSymbol(ch) || char.IsWhiteSpace(ch) || char.IsControl(ch) => ' ',
                _ => char.ToLowerInvariant(ch),
            };
            if (folded == '\0' || (folded == ' ' && sb[^1] == ' '))
            {
                continue;
            }

            sb.Append(folded);
        }

        if (sb[^1] != ' ')
        {
            sb.Append(' ');
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }
}
