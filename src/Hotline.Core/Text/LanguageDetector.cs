namespace Hotline.Text;

/// <summary>
/// Guesses a message's language from its script and a few frequent words: good enough to answer a
/// tipster in their language and to label a report, not a linguistic tool. Returns BCP-47 tags;
/// <c>und</c> when it cannot tell.
/// </summary>
public static class LanguageDetector
{
    public const string Undetermined = "und";

    // Letters only one language of a shared script uses.
    private const string PashtoLetters = "ټډړږښګڼېۍ";
    private const string PersianLetters = "پچژگ";
    private const string UkrainianLetters = "іїєґ";
    private const string RussianLetters = "ыэъ";

    private static readonly Dictionary<string, string[]> LatinWords = new(StringComparer.Ordinal)
    {
        ["en"] = ["the", "and", "is", "are", "help", "they", "my", "we", "please", "there", "with", "have", "not", "people", "work"],
        ["fr"] = ["le", "la", "les", "et", "est", "sont", "aide", "aidez", "nous", "je", "il", "pas", "une", "des", "avec", "travail", "moi"],
        ["es"] = ["el", "los", "las", "y", "es", "ayuda", "nosotros", "estoy", "estan", "una", "con", "trabajo", "por", "favor", "que"],
        ["sq"] = ["dhe", "jam", "nuk", "ndihme", "ndihmoni", "eshte", "jane", "ne", "une", "ata", "me", "pune", "te", "nje", "per"],
        ["de"] = ["und", "ist", "sind", "hilfe", "wir", "ich", "nicht", "mit", "arbeit", "bitte", "die", "der", "das"],
        ["it"] = ["e", "sono", "aiuto", "noi", "io", "non", "con", "lavoro", "per", "il", "della"],
        ["tr"] = ["ve", "bir", "yardim", "biz", "ben", "degil", "ile", "is", "lutfen", "var"],
    };

    private static readonly Dictionary<string, string[]> ArabicScriptWords = new(StringComparer.Ordinal)
    {
        ["fa"] = ["است", "هستند", "کمک", "ما", "من", "را", "این", "که", "از", "به", "نه", "میخواهم", "کار"],
        ["ar"] = ["في", "من", "على", "هذا", "الى", "انا", "نحن", "ساعدوني", "مساعده", "لا", "عن", "التي", "الذي"],
        ["ps"] = ["دی", "دي", "زه", "مونږ", "مرسته", "سره", "چې", "کې", "ته"],
    };

    public static string Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int arabic = 0, cyrillic = 0, latin = 0, pashto = 0, persian = 0, ukrainian = 0, russian = 0;
        foreach (var raw in text)
        {
            var ch = char.ToLowerInvariant(raw);
            if (ch is >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF')
            {
                arabic++;
                pashto += PashtoLetters.Contains(ch, StringComparison.Ordinal) ? 1 : 0;
                persian += PersianLetters.Contains(ch, StringComparison.Ordinal) ? 1 : 0;
            }
            else if (ch is >= '\u0400' and <= '\u04FF')
            {
                cyrillic++;
                ukrainian += UkrainianLetters.Contains(ch, StringComparison.Ordinal) ? 1 : 0;
                russian += RussianLetters.Contains(ch, StringComparison.Ordinal) ? 1 : 0;
            }
            else if (char.IsAsciiLetter(ch) || ch is >= '\u00C0' and <= '\u024F')
            {
                latin++;
            }
        }

        if (arabic == 0 && cyrillic == 0 && latin == 0)
        {
            return Undetermined;
        }

        if (arabic >= cyrillic && arabic >= latin)
        {
            if (pashto > 0)
            {
                return "ps";
            }

            if (persian > 0 || text.Contains('\u06CC', StringComparison.Ordinal) || text.Contains('\u06A9', StringComparison.Ordinal))
            {
                // Persian yeh/keheh are also common in Pashto and Dari; words break the tie.
                return BestByWords(text, ArabicScriptWords, "fa");
            }

            return BestByWords(text, ArabicScriptWords, "ar");
        }

        if (cyrillic >= latin)
        {
            return ukrainian > 0 && ukrainian >= russian ? "uk" : "ru";
        }

        return BestByWords(text, LatinWords, latin >= 3 ? "en" : Undetermined, specialLetters: true);
    }

    private static string BestByWords(string text, Dictionary<string, string[]> words, string fallback, bool specialLetters = false)
    {
        var folded = TextNormalizer.Fold(text);
        var best = fallback;
        var bestScore = 0;
        foreach (var (language, list) in words)
        {
            var score = list.Count(w => folded.Contains(' ' + TextNormalizer.Fold(w).Trim() + ' ', StringComparison.Ordinal));
            if (specialLetters)
            {
                score += language switch
                {
                    "sq" => text.Any(c => c is 'ë' or 'Ë' or 'ç' or 'Ç') ? 2 : 0,
                    "fr" => text.Any(c => c is 'é' or 'è' or 'ê' or 'à' or 'ç' or 'ù') ? 1 : 0,
                    "es" => text.Any(c => c is 'ñ' or '¿' or '¡' or 'á' or 'í' or 'ó' or 'ú') ? 2 : 0,
                    "de" => text.Any(c => c is 'ä' or 'ö' or 'ü' or 'ß') ? 2 : 0,
                    "tr" => text.Any(c => c is 'ı' or 'ğ' or 'ş' or 'İ') ? 2 : 0,
                    _ => 0,
                };
            }

            if (score > bestScore)
            {
                best = language;
                bestScore = score;
            }
        }

        return best;
    }
}
