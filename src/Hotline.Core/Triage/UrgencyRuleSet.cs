using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hotline.Triage;

/// <summary>
/// One language's triage rules, kept as data in <c>Triage/Rules/{language}.json</c> (embedded in the assembly) so a
/// reviewer who reads the language but not C# can check them: the terms that point at immediate danger and at
/// signs of exploitation, and the words and letters that tell the language from others written alike.
/// </summary>
/// <param name="Language">BCP-47 tag the rules are for (<c>sr</c> serves Serbian, Croatian and Bosnian).</param>
/// <param name="Name">The language's English name, for reviewers and docs/intake.md.</param>
/// <param name="View">
/// <c>fold</c>: terms are matched on <see cref="Text.TextNormalizer.Fold"/>ed text; <c>latin</c>: on its
/// <see cref="Text.TextNormalizer.Latin"/> view (languages written in Cyrillic or Latin, and Arabizi).
/// </param>
/// <param name="Urgent">Terms for immediate danger.</param>
/// <param name="High">Terms for signs of trafficking or exploitation.</param>
/// <param name="DetectWords">Frequent short words that tell the language apart from others in its script.</param>
/// <param name="DistinctLetters">Letters only this language of the routes uses in its script.</param>
/// <param name="Review">Who wrote and checked the rules: <c>machine-made</c> until a native speaker has.</param>
/// <param name="Notes">What a reviewer should know: words left out because they fire on ordinary text, known risks.</param>
public sealed record UrgencyRuleSet(
    [property: JsonPropertyName("language")] string Language,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("view")] string View,
    [property: JsonPropertyName("urgent")] IReadOnlyList<string> Urgent,
    [property: JsonPropertyName("high")] IReadOnlyList<string> High,
    [property: JsonPropertyName("detectWords")] IReadOnlyList<string> DetectWords,
    [property: JsonPropertyName("distinctLetters")] string DistinctLetters,
    [property: JsonPropertyName("review")] string Review,
    [property: JsonPropertyName("notes")] string? Notes = null)
{
    public const string FoldView = "fold";
    public const string LatinView = "latin";

    private const string ResourcePrefix = "Hotline.Triage.Rules.";

    /// <summary>True when the rules read the Latin view (<see cref="Text.TextNormalizer.Latin"/>).</summary>
    [JsonIgnore]
    public bool ReadsLatinView => View == LatinView;

    /// <summary>Every language's rules, in the order of their file names.</summary>
    public static IReadOnlyList<UrgencyRuleSet> All { get; } = Load();

    private static UrgencyRuleSet[] Load()
    {
        var assembly = typeof(UrgencyRuleSet).Assembly;
        var sets = new List<UrgencyRuleSet>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var set = JsonSerializer.Deserialize(stream, HotlineJsonContext.Default.UrgencyRuleSet)
                ?? throw new InvalidDataException($"{name} holds no rules.");
            if (set.View is not (FoldView or LatinView) || set.Urgent.Count == 0 || set.High.Count == 0 || string.IsNullOrWhiteSpace(set.Review))
            {
                throw new InvalidDataException($"{name}: view must be '{FoldView}' or '{LatinView}', urgent and high terms and a review status are needed.");
            }

            sets.Add(set);
        }

        return [.. sets];
    }
}
