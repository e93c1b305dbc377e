using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Dispatch;
using Hotline.Sms;
using Hotline.Text;

namespace Hotline.Functions.Texts;

/// <summary>
/// Every word a tipster reads, per language: one file per language in <c>Texts/Strings/{tag}.json</c> (embedded),
/// with a <c>form</c> section (the web form and its thank-you and error pages) and an <c>sms</c> section (the
/// replies and the HELP text). A file a translator can edit without reading C#; its <c>review</c> says whether a
/// native speaker has checked it. Language names come from CLDR through .NET's ICU globalization
/// (<see cref="CultureInfo.NativeName"/>), not typed by hand. An <c>alert</c> section holds the responders' alert
/// wording, in the languages responders choose (<see cref="AlertWording"/>).
/// </summary>
internal static class TextCatalogue
{
    private const string ResourcePrefix = "Hotline.Functions.Texts.Strings.";

    /// <summary>
    /// The menu's order. The first eight keep the numbers the SMS menu has always had (a tipster who learned
    /// "LANG 6" for French still gets French); the rest follow the routes.
    /// </summary>
    public static IReadOnlyList<string> Order { get; } =
    [
        "en", "ar", "fa", "uk", "ru", "fr", "sq", "es",
        "prs", "ps", "ur", "ckb", "kmr", "ti", "so", "bn", "tr", "sr-Latn", "sr-Cyrl", "mk", "el", "it", "de",
    ];

    /// <summary>Catalogue tags whose CLDR locale has another name: Dari is Persian of Afghanistan, Kurmanji is ICU's <c>ku</c>.</summary>
    private static readonly Dictionary<string, string> Cultures = new(StringComparer.Ordinal) { ["prs"] = "fa-AF", ["kmr"] = "ku" };

    public static IReadOnlyList<CatalogueLanguage> All { get; } = Load();

    public static CatalogueLanguage English => All[0];

    /// <summary>The responders' alert wordings: the <c>alert</c> sections (English's is required).</summary>
    public static AlertWordings AlertWordings { get; } = new(All.Where(l => l.Alert is not null).Select(l => l.Alert!));

    /// <summary>
    /// The catalogue language for a BCP-47 tag: exact tag first, then the tags that mean it (Dari as <c>fa-AF</c>,
    /// Serbian by its script, Croatian, Bosnian and Montenegrin as Serbian Latin, Kurdish by its script), then the
    /// primary subtag (<c>fr-CH</c> is French). Null when the catalogue has no such language.
    /// </summary>
    public static CatalogueLanguage? Find(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag))
        {
            return null;
        }

        var parts = tag.Trim().Split('-', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            return null;
        }

        bool Has(string subtag) => parts.Skip(1).Any(p => string.Equals(p, subtag, StringComparison.OrdinalIgnoreCase));
        var primary = parts[0].ToLowerInvariant();
        var key = primary switch
        {
            "fa" when Has("AF") => "prs",
            "sr" => Has("Latn") || Has("ME") ? "sr-Latn" : "sr-Cyrl",
            "hr" or "bs" or "sh" or "cnr" => "sr-Latn",
            "ku" => Has("Arab") ? "ckb" : "kmr",
            _ => primary,
        };
        return All.FirstOrDefault(l => string.Equals(l.Tag, tag.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? All.FirstOrDefault(l => string.Equals(l.Tag, key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The language an Accept-Language header prefers most (q-values honoured, <c>q=0</c> refused), if any.</summary>
    public static CatalogueLanguage? FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header) || !Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParseList(header.Split(','), out var parsed))
        {
            return null;
        }

        return parsed
            .Select((value, order) => (Tag: value.Value.ToString(), Quality: value.Quality ?? 1, Order: order))
            .Where(v => v.Quality > 0)
            .OrderByDescending(v => v.Quality).ThenBy(v => v.Order)
            .Select(v => Find(v.Tag))
            .FirstOrDefault(l => l is not null);
    }

    /// <summary>
    /// Reads a LANG choice: a menu number in any script's digits (٢ and ۲ from Arabic and Persian keypads), a tag
    /// (<c>AR</c>, <c>sr-Latn</c>), or a name: the language's own (CLDR), its English one, or one of the file's
    /// <c>names</c> (what speakers call it: Farsi, دری, Sorani), compared as triage compares text (case,
    /// diacritics and letter variants do not matter).
    /// </summary>
    public static CatalogueLanguage? Choose(string choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        var c = choice.Trim();
        if (c.Length > 0 && c.All(char.IsDigit))
        {
            var n = c.Aggregate(0L, (total, digit) => Math.Min((total * 10) + (long)char.GetNumericValue(digit), int.MaxValue));
            return n >= 1 && n <= All.Count ? All[(int)n - 1] : null;
        }

        var folded = TextNormalizer.Fold(c).Trim();
        return folded.Length == 0
            ? null
            : All.FirstOrDefault(l => string.Equals(l.Tag, c, StringComparison.OrdinalIgnoreCase)) ?? All.FirstOrDefault(l => l.FoldedNames.Contains(folded));
    }

    /// <summary>
    /// The LANG menu, <c>LANG + 1 English, 2 العربية, ...</c>: every language naming itself, split into as many SMS as
    /// it takes for each to stay one segment (cheap phones show a concatenated SMS badly or not at all).
    /// </summary>
    public static IReadOnlyList<string> Menu { get; } = BuildMenu();

    private static List<string> BuildMenu()
    {
        var messages = new List<string>();
        var current = "LANG +";
        foreach (var (language, index) in All.Select((l, i) => (l, i + 1)))
        {
            var entry = $"{index} {language.NativeName}";
            var longer = current.EndsWith('+') ? $"{current} {entry}" : $"{current}, {entry}";
            if (SmsSegments.Count(longer) > 1 && !current.EndsWith('+'))
            {
                messages.Add(current);
                longer = entry;
            }

            current = longer;
        }

        messages.Add(current);
        return messages;
    }

    private static CatalogueLanguage[] Load()
    {
        var assembly = typeof(TextCatalogue).Assembly;
        var files = assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).ToList();
        var languages = new List<CatalogueLanguage>();
        foreach (var tag in Order)
        {
            var name = $"{ResourcePrefix}{tag}.json";
            if (!files.Remove(name))
            {
                throw new InvalidDataException($"The text catalogue has no file for '{tag}' (Texts/Strings/{tag}.json).");
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            CatalogueFile file;
            try
            {
                file = JsonSerializer.Deserialize(stream, TextsJsonContext.Default.CatalogueFile) ?? throw new InvalidDataException("empty");
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Texts/Strings/{tag}.json: {ex.Message}", ex);
            }

            if (file.Language != tag || string.IsNullOrWhiteSpace(file.Review))
            {
                throw new InvalidDataException($"Texts/Strings/{tag}.json must say \"language\": \"{tag}\" and its review status.");
            }

            if (tag == Order[0] && file.Alert is null)
            {
                throw new InvalidDataException($"Texts/Strings/{tag}.json must have an alert section: alerts fall back to it.");
            }

            var culture = CultureInfo.GetCultureInfo(Cultures.GetValueOrDefault(tag, tag));
            var nativeName = culture.TextInfo.ToTitleCase(culture.NativeName[..1]) + culture.NativeName[1..];
            var rtl = culture.TextInfo.IsRightToLeft;
            languages.Add(new CatalogueLanguage(
                tag,
                nativeName,
                culture.EnglishName,
                rtl,
                file.Review,
                file.Form with { Language = tag, NativeName = nativeName, RightToLeft = rtl },
                file.Sms with { Language = tag, NativeName = nativeName, RightToLeft = rtl },
                // A wording added after a catalogue's translation (FollowUp) reads English's until the translator adds it.
                file.Alert is null ? null : file.Alert with { Tag = tag, FollowUp = string.IsNullOrWhiteSpace(file.Alert.FollowUp) ? languages[0].Alert!.FollowUp : file.Alert.FollowUp },
                [.. new[] { nativeName, culture.EnglishName }.Concat(file.Names ?? []).Select(n => TextNormalizer.Fold(n).Trim()).Where(n => n.Length > 0).Distinct()]));
        }

        if (files.Count > 0)
        {
            throw new InvalidDataException($"Texts/Strings holds {string.Join(", ", files)}, which TextCatalogue.Order does not list.");
        }

        return [.. languages];
    }
}

/// <summary>One language of the catalogue.</summary>
/// <param name="Tag">BCP-47 tag (<c>sr-Latn</c>, <c>prs</c>): what <c>?lang=</c> and a chosen SMS language hold.</param>
/// <param name="NativeName">The language's name in itself (CLDR).</param>
/// <param name="EnglishName">Its English name (CLDR), for docs/intake.md and logs of counts.</param>
/// <param name="FoldedNames">Names a tipster may answer LANG with, folded.</param>
/// <param name="Alert">Alert wording for responders who read this language; null where responders get English.</param>
internal sealed record CatalogueLanguage(
    string Tag, string NativeName, string EnglishName, bool RightToLeft, string Review, FormTexts Form, SmsReplies Sms, AlertWording? Alert, IReadOnlyList<string> FoldedNames);

/// <summary>A catalogue file as stored.</summary>
/// <param name="Names">Other names speakers give the language ("Farsi", "Sorani"); optional, so it defaults.</param>
/// <param name="Alert">Alert wording for responders; optional, English is the fallback.</param>
internal sealed record CatalogueFile(string Language, string Review, FormTexts Form, SmsReplies Sms, IReadOnlyList<string>? Names = null, AlertWording? Alert = null);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(CatalogueFile))]
internal sealed partial class TextsJsonContext : JsonSerializerContext;
