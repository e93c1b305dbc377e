using Hotline.Triage;

namespace Hotline.Text;

/// <summary>
/// Guesses a message's language from its script, the letters only one language of that script uses, and
/// frequent words (each language's <see cref="UrgencyRuleSet.DetectWords"/> and
/// <see cref="UrgencyRuleSet.DistinctLetters"/>): good enough to answer a tipster in their language, label a
/// report, and tell whether the triage rules read it; not a linguistic tool. Returns BCP-47 tags; <c>und</c>
/// when it cannot tell.
/// A full detector (Lingua for .NET, served here) was weighed and left: its models weigh 143 MB, which every
/// cold start of the Function App would load, and it knows none of Pashto, Sorani, Kurmanji, Tigrinya or Dari.
/// </summary>
public static class LanguageDetector
{
    public const string Undetermined = "und";

    /// <summary>
    /// A message of this many words in a script the rules cover, in which not one frequent word of any language
    /// with rules appears, is taken to be in another language (Polish, Hausa, Tagalog ...). Shorter messages
    /// ("ok", "hello, good evening") are too short to tell and are left to the rules.
    /// </summary>
    public const int MinWordsToTell = 6;

    private enum Script
    {
        None,
        Latin,
        Cyrillic,
        Arabic,
        Greek,
        Ethiopic,
        Bengali,

        /// <summary>Letters of a script no rules cover: Armenian, Georgian, Hebrew, Devanagari, Han ...</summary>
        Other,
    }

    // Scripts only one language of the routes writes: the script alone tells the language.
    private static readonly Dictionary<Script, string> OwnScript = new() { [Script.Greek] = "el", [Script.Ethiopic] = "ti", [Script.Bengali] = "bn" };

    private static readonly Candidate[] Candidates = UrgencyRuleSet.All
        .Select(r => new Candidate(
            r.Language,
            r.ReadsLatinView,
            r.DetectWords.Select(w => Prepare(w, r.ReadsLatinView)).Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToArray(),
            r.DistinctLetters.Where(char.IsLetter).Select(char.ToLowerInvariant).Distinct().ToArray(),
            ScriptsOf(r)))
        .ToArray();

    public static string Detect(string text) => Guess(text).Language;

    /// <summary>
    /// The language of <paramref name="text"/>, and whether it is recognised as a language the rules read: not
    /// when it is written in a script no rules cover, nor when it is long enough to tell
    /// (<see cref="MinWordsToTell"/>) and no language with rules scores in it.
    /// </summary>
    public static LanguageGuess Guess(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var script = DominantScript(text);
        if (script == Script.None)
        {
            return new LanguageGuess(Undetermined, Recognised: true);
        }

        if (script == Script.Other)
        {
            return new LanguageGuess(Undetermined, Recognised: false);
        }

        if (OwnScript.TryGetValue(script, out var own))
        {
            return new LanguageGuess(own, Recognised: true);
        }

        var folded = TextNormalizer.Fold(text);
        var latin = TextNormalizer.Latin(folded);
        var lower = text.ToLowerInvariant();
        var best = Undetermined;
        var bestScore = 0;
        foreach (var candidate in Candidates)
        {
            if (!candidate.Scripts.Contains(script))
            {
                continue;
            }

            var view = candidate.LatinView ? latin : folded;
            var score = candidate.Words.Count(w => view.Contains(' ' + w + ' ', StringComparison.Ordinal))
                + (2 * candidate.Letters.Count(l => lower.Contains(l, StringComparison.Ordinal)));
            if (candidate.Language == "ar-Latn")
            {
                // Arabizi's mark: a digit written for a letter inside a word (3 for ayn, 7 for ha ...).
                score += 2 * ArabiziDigits(folded);
            }

            if (score > bestScore)
            {
                best = candidate.Language;
                bestScore = score;
            }
        }

        if (best == Undetermined)
        {
            return new LanguageGuess(Undetermined, Recognised: CountWords(folded) < MinWordsToTell);
        }

        // Serbian, Croatian and Bosnian share rules read in Latin: the tag says which alphabet it came in.
        return new LanguageGuess(best == "sr" && script == Script.Latin ? "sr-Latn" : best, Recognised: true);
    }

    private static int CountWords(string folded) => folded.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(w => w.Any(char.IsLetter));

    private static Script DominantScript(string text)
    {
        var counts = new Dictionary<Script, int>();
        foreach (var ch in text)
        {
            var script = ScriptOf(ch);
            if (script != Script.None)
            {
                counts[script] = counts.GetValueOrDefault(script) + 1;
            }
        }

        return counts.Count == 0 ? Script.None : counts.MaxBy(c => c.Value).Key;
    }

    private static Script ScriptOf(char ch) => ch switch
    {
        >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\uFB50' and <= '\uFDFF' or >= '\uFE70' and <= '\uFEFF' => Script.Arabic,
        >= '\u0400' and <= '\u04FF' => Script.Cyrillic,
        >= '\u0370' and <= '\u03FF' or >= '\u1F00' and <= '\u1FFF' => Script.Greek,
        >= '\u1200' and <= '\u139F' or >= '\u2D80' and <= '\u2DDF' => Script.Ethiopic,
        >= '\u0980' and <= '\u09FF' => Script.Bengali,
        _ when char.IsAsciiLetter(ch) || ch is >= '\u00C0' and <= '\u024F' => Script.Latin,
        _ when char.IsLetter(ch) => Script.Other,
        _ => Script.None,
    };

    /// <summary>The scripts a language is detected in: those of its words and letters; Serbian and Macedonian also in Cyrillic.</summary>
    private static HashSet<Script> ScriptsOf(UrgencyRuleSet rules)
    {
        var scripts = rules.DetectWords.SelectMany(w => w).Concat(rules.DistinctLetters).Select(ScriptOf).Where(s => s != Script.None).ToHashSet();
        if (rules.ReadsLatinView && rules.Language != "ar-Latn")
        {
            scripts.Add(Script.Latin);
            scripts.Add(Script.Cyrillic);
        }

        return scripts;
    }

    // Arabizi writes a letter with a digit inside a word ("7abasouna", "sa3dona"). Codes, numbers and ids
    // ("4ec8", "2nd", a case number "K7QF-2M9X", a GUID) must not make a message Arabic: only a word of at least
    // three letters, one of them a vowel, and one or two of Arabizi's digits counts, and never a word that is all
    // hexadecimal (GUID and hash pieces are; the few Arabizi words that are, "ba3d", are outnumbered in any message).
    private static int ArabiziDigits(string folded)
    {
        var count = 0;
        foreach (var word in folded.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var digits = word.Count(char.IsAsciiDigit);
            if (digits is 1 or 2 && word.Count(char.IsLetter) >= 3 && word.Length == digits + word.Count(char.IsLetter)
                && word.Where(char.IsAsciiDigit).All(d => d is '2' or '3' or '5' or '6' or '7' or '8' or '9')
                && word.Any(c => c is 'a' or 'e' or 'i' or 'o' or 'u') && !word.All(char.IsAsciiHexDigitLower))
            {
                count += digits;
            }
        }

        return count;
    }

    private static string Prepare(string word, bool latinView)
    {
        var folded = TextNormalizer.Fold(word);
        return (latinView ? TextNormalizer.Latin(folded) : folded).Trim();
    }

    private sealed record Candidate(string Language, bool LatinView, string[] Words, char[] Letters, HashSet<Script> Scripts);
}
