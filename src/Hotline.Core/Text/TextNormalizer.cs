using System.Globalization;
using System.Text;

namespace Hotline.Text;

/// <summary>
/// Folds text for keyword matching: lower case, no diacritics, Arabic and Persian letter variants
/// merged (alef forms, yeh/keheh/teh marbuta/heh with yeh above, tatweel, harakat), Cyrillic ё→е, Turkish ı→i,
/// Greek ς→σ, punctuation to spaces.
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
                'ı' => 'i', // Turkish dotless i: a phone without it types i
                'ς' => 'σ', // Greek final sigma
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

    /// <summary>
    /// The Latin view of <see cref="Fold"/>ed text, read by the rules of languages written in more than one
    /// alphabet or none of their own: Serbian, Croatian and Bosnian (Cyrillic or Latin, with or without
    /// diacritics), Macedonian, and Arabic typed in Latin letters ("Arabizi"). Cyrillic is spelled in Latin
    /// (Serbian and Macedonian spelling: ђ→dj, ч/ћ→c, ж→z, љ→lj ...), đ→dj, and a digit touching a letter is read
    /// as the Arabic letter Arabizi writes with it (3 ayn→a, 7 ha→h, 5 kha→kh, 2 hamza→a, 6 ta→t, 8 ghain→gh, 9 qaf→q).
    /// Letters whose mark <see cref="Fold"/> already took off arrive plain (Macedonian ѓ as г, ќ as к; й as и, ї as і),
    /// so Macedonian rules are written without gj/kj, as a tipster without those keys types them.
    /// </summary>
    public static string Latin(string folded)
    {
        ArgumentNullException.ThrowIfNull(folded);
        var sb = new StringBuilder(folded.Length + 8);
        for (var i = 0; i < folded.Length; i++)
        {
            var ch = folded[i];
            if (ch is >= '2' and <= '9' && ch != '4' && (IsLetterAt(folded, i - 1) || IsLetterAt(folded, i + 1)))
            {
                sb.Append(ch switch { '2' or '3' => "a", '5' => "kh", '6' => "t", '7' => "h", '8' => "gh", _ => "q" });
                continue;
            }

            var latin = ch switch
            {
                'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'д' => "d", 'ђ' or '\u0111' => "dj", 'е' => "e", 'ж' => "z",
                'з' => "z", 'и' => "i", 'ј' => "j", 'к' => "k", 'л' => "l", 'љ' => "lj", 'м' => "m", 'н' => "n", 'њ' => "nj",
                'о' => "o", 'п' => "p", 'р' => "r", 'с' => "s", 'т' => "t", 'ћ' => "c", 'у' => "u", 'ф' => "f", 'х' => "h",
                'ц' => "c", 'ч' => "c", 'џ' => "dz", 'ш' => "s", 'ѕ' => "dz", 'ь' or 'ъ' => "",
                'ы' => "y", 'э' => "e", 'ю' => "ju", 'я' => "ja", 'і' => "i", 'є' => "je", 'ґ' => "g", 'щ' => "sc",
                _ => null,
            };
            if (latin is null)
            {
                sb.Append(ch);
            }
            else
            {
                sb.Append(latin);
            }
        }

        return sb.ToString();
    }

    private static bool IsLetterAt(string text, int index) => index >= 0 && index < text.Length && char.IsLetter(text[index]);
}
