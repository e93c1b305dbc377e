using System.Reflection;
using System.Text.RegularExpressions;
using Hotline.Functions.Texts;
using Hotline.Sms;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Texts;

public sealed partial class TextCatalogueTests
{
    // Written here, not read from the catalogue: the languages the routes need (Serbian in both alphabets).
    private static readonly string[] RouteLanguages =
    [
        "ar", "fa", "prs", "ps", "ur", "ckb", "kmr", "ti", "so", "bn", "tr", "uk", "ru", "sq", "sr-Latn", "sr-Cyrl", "mk", "el", "fr", "en", "es", "it", "de",
    ];

    private static readonly string[] RightToLeft = ["ar", "fa", "prs", "ps", "ur", "ckb"];

    // A case number whose groups are all letters and digits, as long as any: what replies are measured with.
    private const string CaseNumber = "K7QF-2M9X-4TJD";

    [Fact]
    public void Catalogue_RouteLanguages_HasEachWithEveryKeyFilled()
    {
        Assert.Equal(RouteLanguages.Order(StringComparer.Ordinal), TextCatalogue.All.Select(l => l.Tag).Order(StringComparer.Ordinal));
        foreach (var language in TextCatalogue.All)
        {
            foreach (var (key, value) in Strings(language))
            {
                Assert.False(string.IsNullOrWhiteSpace(value), $"{language.Tag}: {key} is empty");
            }
        }
    }

    [Fact]
    public void Catalogue_EveryString_KeepsTheEnglishPlaceholders()
    {
        var english = Strings(TextCatalogue.English).ToDictionary();
        foreach (var language in TextCatalogue.All)
        {
            foreach (var (key, value) in Strings(language))
            {
                Assert.True(
                    Placeholders(english[key]).SequenceEqual(Placeholders(value)),
                    $"{language.Tag}: {key} has placeholders {string.Join(",", Placeholders(value))}, English {string.Join(",", Placeholders(english[key]))}");
            }

            // 112 in the language's own digits (Persian writes ۱۱۲): the form links it to tel:112.
            Assert.Contains("112", new string([.. language.Form.Emergency.Select(c => char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c)]), StringComparison.Ordinal);
            Assert.Contains("LANG", language.Sms.Help, StringComparison.Ordinal);
            Assert.Contains("STOP", language.Sms.Help, StringComparison.Ordinal);
            Assert.StartsWith(" ", language.Sms.Danger, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SmsReplies_EveryLanguage_FitOneSegmentWithTheCaseNumber()
    {
        foreach (var language in TextCatalogue.All)
        {
            var number = language.RightToLeft ? "\u2066" + CaseNumber + "\u2069" : CaseNumber;
            var sms = language.Sms;
            foreach (var (what, text) in new[]
            {
                ("received and danger", string.Format(System.Globalization.CultureInfo.InvariantCulture, sms.Received, number) + sms.Danger),
                ("added and danger", string.Format(System.Globalization.CultureInfo.InvariantCulture, sms.Added, number) + sms.Danger),
                ("empty", sms.Empty),
                ("language set", sms.LanguageSet),
            })
            {
                Assert.True(SmsSegments.Count(text) == 1, $"{language.Tag}: the {what} reply takes {SmsSegments.Count(text)} segments: {text}");
            }
        }
    }

    [Fact]
    public void SmsHelp_LanguagesWhoseScriptCannotSayItInOneSegment_AreTheOnesTheManualNames()
    {
        var longer = TextCatalogue.All.Where(l => SmsSegments.Count(l.Sms.Help) > 1).Select(l => l.Tag).ToList();
        var intake = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "intake.md"));
        var named = HelpOverOneSegment().Match(intake);

        Assert.True(named.Success, "docs/intake.md names the languages whose HELP text takes more than one SMS");
        Assert.Equal(named.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries).Select(t => t.Trim('`')).Order(StringComparer.Ordinal), longer.Order(StringComparer.Ordinal));
        Assert.All(TextCatalogue.All, l => Assert.True(SmsSegments.Count(l.Sms.Help) <= 3, $"{l.Tag}: HELP takes {SmsSegments.Count(l.Sms.Help)} segments"));
    }

    [Fact]
    public void Names_FromCldr_NameEachLanguageInItselfAndSetItsDirection()
    {
        foreach (var language in TextCatalogue.All)
        {
            Assert.Equal(RightToLeft.Contains(language.Tag), language.RightToLeft);
            if (language.Tag != "en")
            {
                Assert.NotEqual(language.EnglishName, language.NativeName);
            }
        }

        Assert.Equal("العربية", TextCatalogue.Find("ar")!.NativeName);
        Assert.Equal("Srpski (latinica)", TextCatalogue.Find("sr-Latn")!.NativeName);
        Assert.Equal("Српски (ћирилица)", TextCatalogue.Find("sr-Cyrl")!.NativeName);
        Assert.Equal("ትግርኛ", TextCatalogue.Find("ti")!.NativeName);
    }

    [Fact]
    public void Menu_EveryLanguageNamesItself_EachSmsOneSegment()
    {
        var menu = TextCatalogue.Menu;

        Assert.StartsWith("LANG + 1 English, 2 العربية", menu[0], StringComparison.Ordinal);
        Assert.All(menu, message => Assert.Equal(1, SmsSegments.Count(message)));
        var all = string.Join(", ", menu);
        foreach (var (language, index) in TextCatalogue.All.Select((l, i) => (l, i + 1)))
        {
            Assert.Contains($"{index} {language.NativeName}", all, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("12", "ckb")]
    [InlineData("١٢", "ckb")]
    [InlineData("۲۳", "de")]
    [InlineData("Farsi", "fa")]
    [InlineData("فارسی", "fa")]
    [InlineData("دری", "prs")]
    [InlineData("dari", "prs")]
    [InlineData("kurdî", "kmr")]
    [InlineData("KURMANJI", "kmr")]
    [InlineData("سۆرانی", "ckb")]
    [InlineData("sorani", "ckb")]
    [InlineData("ትግርኛ", "ti")]
    [InlineData("Ελληνικά", "el")]
    [InlineData("ελληνικα", "el")]
    [InlineData("türkçe", "tr")]
    [InlineData("turkce", "tr")]
    [InlineData("srpski", "sr-Latn")]
    [InlineData("Serbian", "sr-Latn")]
    [InlineData("Bosnian", "sr-Latn")]
    [InlineData("hrvatski", "sr-Latn")]
    [InlineData("српски", "sr-Cyrl")]
    [InlineData("bangla", "bn")]
    [InlineData("বাংলা", "bn")]
    [InlineData("pashto", "ps")]
    [InlineData("پښتو", "ps")]
    [InlineData("اردو", "ur")]
    [InlineData("sr-latn", "sr-Latn")]
    [InlineData("Soomaali", "so")]
    public void Choose_NumberOrNameInAnyScript_FindsTheLanguage(string answer, string expected)
    {
        Assert.Equal(expected, TextCatalogue.Choose(answer)?.Tag);
    }

    [Theory]
    [InlineData("24")]
    [InlineData("0")]
    [InlineData("Klingon")]
    [InlineData("")]
    public void Choose_NotOnTheMenu_GivesNothing(string answer)
    {
        Assert.Null(TextCatalogue.Choose(answer));
    }

    [Theory]
    [InlineData("fa-AF", "prs")]
    [InlineData("prs", "prs")]
    [InlineData("fa-IR", "fa")]
    [InlineData("sr", "sr-Cyrl")]
    [InlineData("sr-RS", "sr-Cyrl")]
    [InlineData("sr-Latn-RS", "sr-Latn")]
    [InlineData("sr-ME", "sr-Latn")]
    [InlineData("hr", "sr-Latn")]
    [InlineData("bs-BA", "sr-Latn")]
    [InlineData("ku", "kmr")]
    [InlineData("kmr", "kmr")]
    [InlineData("ku-Arab", "ckb")]
    [InlineData("ckb-IQ", "ckb")]
    [InlineData("fr-CH", "fr")]
    [InlineData("ar-Latn", "ar")]
    public void Find_TagsThatMeanACatalogueLanguage_GiveIt(string tag, string expected)
    {
        Assert.Equal(expected, TextCatalogue.Find(tag)?.Tag);
    }

    [Theory]
    [InlineData("hy, en;q=0.5", "en")]
    [InlineData("de-AT,de;q=0.9", "de")]
    [InlineData("fa-AF;q=0.8, fa;q=0.9", "fa")]
    [InlineData("fa-AF, fa;q=0.9", "prs")]
    [InlineData("it;q=0, es", "es")]
    public void FromAcceptLanguage_QValues_PickTheMostPreferredLanguageItHas(string header, string expected)
    {
        Assert.Equal(expected, TextCatalogue.FromAcceptLanguage(header)?.Tag);
    }

    [Fact]
    public void Source_TipsterText_LivesOnlyInTheCatalogue()
    {
        // No English catalogue string is also typed in the code, and no code holds a string in another script
        // (the GSM-7 alphabet's Greek capitals aside): tipster and responder wording live in Texts/Strings.
        // The app, and the dispatch code in Core that lays out the alerts.
        var folders = new[] { Path.Combine(RepoPaths.Root, "src", "Hotline.Functions"), Path.Combine(RepoPaths.Root, "src", "Hotline.Core", "Dispatch") };
        var english = Strings(TextCatalogue.English).Select(s => s.Value).Where(v => v.Length > 12).ToList();
        foreach (var file in folders.SelectMany(folder => Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var source = File.ReadAllText(file);
            Assert.All(english, text => Assert.DoesNotContain(text, source, StringComparison.Ordinal));
            if (Path.GetFileName(file) is not "SmsSegments.cs")
            {
                var foreign = StringLiteral().Matches(source).Select(m => m.Value).FirstOrDefault(l => l.Any(c => c is >= '\u0370' and <= '\u1FFF' and not (>= '\u1D00' and <= '\u1DBF')));
                Assert.True(foreign is null, $"{Path.GetFileName(file)} holds tipster text outside the catalogue: {foreign}");
            }
        }
    }

    [Fact]
    public void Docs_LanguageTable_ListsEveryCatalogueLanguageWithItsDirectionAlertsAndReview()
    {
        var intake = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "intake.md"));
        var section = intake[intake.IndexOf("## Languages of the form, SMS replies and alerts", StringComparison.Ordinal)..];
        var end = section.IndexOf("\n## ", 5, StringComparison.Ordinal);
        var rows = LanguageRow().Matches(end < 0 ? section : section[..end])
            .ToDictionary(m => m.Groups[1].Value, m => (m.Groups[2].Value, m.Groups[3].Value == "yes", m.Groups[4].Value.Trim()));

        Assert.Equal(
            TextCatalogue.All.ToDictionary(l => l.Tag, l => (l.RightToLeft ? "rtl" : "ltr", l.Alert is not null, l.Review)),
            rows);
    }

    private static IEnumerable<(string Key, string Value)> Strings(CatalogueLanguage language) =>
        Sections(language.Form, "form").Concat(Sections(language.Sms, "sms")).Concat(language.Alert is null ? [] : Sections(language.Alert, "alert"));

    private static IEnumerable<(string Key, string Value)> Sections(object section, string name) =>
        section.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.PropertyType == typeof(string) && p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null && p.SetMethod is not null)
            .Select(p => ($"{name}.{p.Name}", (string)p.GetValue(section)!));

    private static IEnumerable<string> Placeholders(string text) => PlaceholderPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal);

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex("\"(?:[^\"\\\\\\n]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"HELP text takes more than one SMS in: ([^.\n]+)\.")]
    private static partial Regex HelpOverOneSegment();

    [GeneratedRegex(@"^\|[^|]+\| `([^`]+)` \| (ltr|rtl) \| (yes|-) \| ([^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex LanguageRow();
}
