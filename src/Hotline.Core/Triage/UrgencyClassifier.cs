using Hotline.Text;

namespace Hotline.Triage;

/// <summary>
/// Rule-based triage: <see cref="Urgency.Urgent"/> when a report points at immediate danger,
/// <see cref="Urgency.High"/> at signs of trafficking, otherwise <see cref="Urgency.Normal"/>.
/// The rules are data, one file per language (<see cref="UrgencyRuleSet"/>). Matching runs on
/// <see cref="TextNormalizer.Fold"/>ed text in every language at once (tipsters mix languages), or on its
/// <see cref="TextNormalizer.Latin"/> view for the languages written in more than one alphabet. Latin, Cyrillic,
/// Greek and Bengali terms match at a word start (so stems catch inflections); Arabic-script and Ethiopic terms
/// match anywhere, since prefixes (و، ال، ب; ብ، ን) attach to the word.
/// A message in a language no rules read is never quietly normal: it is triaged high at least.
/// Rules err towards paging: a false alarm costs a responder a look, a miss can cost a life.
/// </summary>
public static class UrgencyClassifier
{
    private static readonly Term[] Terms = UrgencyRuleSet.All
        .SelectMany(r => r.Urgent.Select(t => (Term: t, Urgency: Urgency.Urgent)).Concat(r.High.Select(t => (Term: t, Urgency: Urgency.High)))
            .Select(t => new Term(Prepare(t.Term, r.ReadsLatinView), AnyPosition(t.Term), t.Urgency, r.ReadsLatinView)))
        .Where(t => t.Text.Length > 0)
        .OrderByDescending(t => t.Urgency)
        .ToArray();

    /// <summary>The languages with their own rules (primary subtags and the tags the rules name).</summary>
    public static IReadOnlySet<string> Languages { get; } = UrgencyRuleSet.All.Select(r => r.Language).ToHashSet(StringComparer.OrdinalIgnoreCase);

    // Languages read by another language's rules: Croatian and Bosnian by the Serbian set, Dari by Persian.
    private static readonly Dictionary<string, string> ReadBy = new(StringComparer.OrdinalIgnoreCase) { ["hr"] = "sr", ["bs"] = "sr", ["sh"] = "sr", ["cnr"] = "sr", ["prs"] = "fa" };

    public static Urgency Classify(string message) => Assess(message).Urgency;

    public static UrgencyAssessment Assess(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var folded = TextNormalizer.Fold(message);
        var latin = TextNormalizer.Latin(folded);
        var result = Urgency.Normal;
        foreach (var term in Terms)
        {
            if (term.Urgency <= result)
            {
                break;
            }

            var text = term.LatinView ? latin : folded;
            if (text.Contains(term.AnyPosition ? term.Text : ' ' + term.Text, StringComparison.Ordinal))
            {
                result = term.Urgency;
            }
        }

        var guess = LanguageDetector.Guess(message);
        var read = guess.Recognised && (guess.Language == LanguageDetector.Undetermined || Reads(guess.Language));
        return new UrgencyAssessment(!read && result < Urgency.High ? Urgency.High : result, guess.Language, read);
    }

    /// <summary>True when rules read <paramref name="language"/> (a BCP-47 tag; its primary subtag decides).</summary>
    public static bool Reads(string? language)
    {
        if (string.IsNullOrWhiteSpace(language) || language == LanguageDetector.Undetermined)
        {
            return false;
        }

        var primary = language.Split('-', 2)[0];
        return Languages.Contains(language) || Languages.Contains(primary) || (ReadBy.TryGetValue(primary, out var by) && Languages.Contains(by));
    }

    // A term folds like the text, without the padding spaces (a stem may end mid-word).
    private static string Prepare(string term, bool latinView)
    {
        var folded = TextNormalizer.Fold(term);
        return (latinView ? TextNormalizer.Latin(folded) : folded).Trim();
    }

    private static bool AnyPosition(string term) => term.Any(c => c is >= '\u0600' and <= '\u06FF' or >= '\u0750' and <= '\u077F' or >= '\u1200' and <= '\u139F');

    private sealed record Term(string Text, bool AnyPosition, Urgency Urgency, bool LatinView);
}
