using Hotline.Triage;

namespace Hotline.Tests.Triage;

public sealed class UrgencyClassifierTests
{
    [Theory]
    // English
    [InlineData("en", "Please help now, they locked us in a container near the port", Urgency.Urgent)]
    [InlineData("en", "The boss took our passports and says we owe him 5000 euro", Urgency.Urgent)]
    [InlineData("en", "There are children working in the garment shop at night", Urgency.Urgent)]
    [InlineData("en", "We work 14 hours and are not paid, the smuggler keeps our money", Urgency.High)]
    [InlineData("en", "I would like to know how the hotline works", Urgency.Normal)]
    // Arabic (with and without hamza and teh marbuta, as phones type them)
    [InlineData("ar", "النجدة! حبسونا في المستودع", Urgency.Urgent)]
    [InlineData("ar", "النجده حبسونا في المستودع", Urgency.Urgent)]
    [InlineData("ar", "أخذوا جوازات سفرنا", Urgency.Urgent)]
    [InlineData("ar", "اخذوا جوازات سفرنا", Urgency.Urgent)]
    [InlineData("ar", "المهرب يهددون عائلتي ولا يدفعون لنا", Urgency.High)]
    [InlineData("ar", "أريد أن أسأل عن الخدمة", Urgency.Normal)]
    // Farsi (Persian yeh and keheh, zero-width non-joiner)
    [InlineData("fa", "ما را زندانی کرده‌اند و کتک می‌زنند", Urgency.Urgent)]
    [InlineData("fa", "یک کودک در کارگاه کار می‌کند", Urgency.Urgent)]
    [InlineData("fa", "قاچاقچی پاسپورت ما را نگه داشته است", Urgency.High)]
    [InlineData("fa", "سلام، چطور می‌توانم با شما صحبت کنم؟", Urgency.Normal)]
    // Farsi typed on an Arabic keyboard (Arabic yeh U+064A and kaf U+0643), and heh with yeh above (U+06C0)
    [InlineData("fa", "ما را زنداني كرده‌اند و كتك مي‌زنند", Urgency.Urgent)]
    [InlineData("fa", "يك كودك در كارگاه كار مي‌كند", Urgency.Urgent)]
    [InlineData("fa", "بچۀ همسایه را در کارگاه نگه داشته‌اند", Urgency.Urgent)]
    [InlineData("fa", "قاچاقچي پاسپورت ما را نگه داشته است", Urgency.High)]
    [InlineData("fa", "سلام، چطور مي‌توانم با شما صحبت كنم؟", Urgency.Normal)]
    // Ukrainian
    [InlineData("uk", "Терміново! Нас замкнули в підвалі", Urgency.Urgent)]
    [InlineData("uk", "Вони забрали паспорти й б'ють людей", Urgency.Urgent)]
    [InlineData("uk", "Роботодавець погрожує і не платять зарплату", Urgency.High)]
    [InlineData("uk", "Добрий день, я хочу поставити питання", Urgency.Normal)]
    // Russian (ё folded to е)
    [InlineData("ru", "Помогите срочно, нас заперли", Urgency.Urgent)]
    [InlineData("ru", "Там работает ребёнок лет десяти", Urgency.Urgent)]
    [InlineData("ru", "Хозяин забрал документы и говорит про долг", Urgency.High)]
    [InlineData("ru", "Здравствуйте, как с вами связаться?", Urgency.Normal)]
    // French (accents optional)
    [InlineData("fr", "Au secours, nous sommes enfermés dans un hangar", Urgency.Urgent)]
    [InlineData("fr", "Nous sommes enfermes dans un hangar", Urgency.Urgent)]
    [InlineData("fr", "Le passeur nous menace et garde nos papiers", Urgency.High)]
    [InlineData("fr", "Bonjour, je voudrais des informations", Urgency.Normal)]
    // Albanian (ë and ç optional)
    [InlineData("sq", "Urgjent! Na kanë mbyllur në një depo", Urgency.Urgent)]
    [InlineData("sq", "Ka femije qe punojne naten", Urgency.Urgent)]
    [InlineData("sq", "Më detyrojnë të punoj për një borxh", Urgency.High)]
    [InlineData("sq", "Përshëndetje, si funksionon linja?", Urgency.Normal)]
    // Spanish
    [InlineData("es", "Socorro, estamos encerrados en una casa", Urgency.Urgent)]
    [InlineData("es", "Nos quitaron los pasaportes", Urgency.Urgent)]
    [InlineData("es", "Nos obligan a trabajar para pagar una deuda", Urgency.High)]
    [InlineData("es", "Hola, quiero saber cómo funciona esto", Urgency.Normal)]
    // Pashto
    [InlineData("ps", "دلته یو ماشوم کار کوي", Urgency.Urgent)]
    public void Classify_KeywordsPerLanguage_GivesExpectedUrgency(string language, string message, Urgency expected)
    {
        Assert.NotNull(language);
        Assert.Equal(expected, UrgencyClassifier.Classify(message));
    }

    [Fact]
    public void Classify_MixedLanguages_TakesTheHighestUrgency()
    {
        Assert.Equal(Urgency.Urgent, UrgencyClassifier.Classify("salam, they have a gun, مسدس"));
    }

    [Fact]
    public void Classify_StemsMatchOnlyAtWordStart_DoNotFireInsideOtherWords()
    {
        // "skill" holds "kill", "Passkey" nothing: word-start matching keeps such noise out.
        Assert.Equal(Urgency.Normal, UrgencyClassifier.Classify("My skill is cooking"));
    }

    [Theory]
    [InlineData("Մեզ փակել են սենյակում և ծեծում են")]
    [InlineData("Ikinulong nila kami sa isang kuwarto at binubugbog kami")]
    public void Assess_LanguageNoRulesRead_IsHighAndSaysSo(string message)
    {
        var assessment = UrgencyClassifier.Assess(message);

        Assert.Equal(Urgency.High, assessment.Urgency);
        Assert.False(assessment.LanguageRead);
    }

    [Fact]
    public void Assess_LanguageNoRulesReadWithAnUrgentWordOfAnother_StaysUrgent()
    {
        // Tipsters mix languages: an English word of danger in an Armenian message still pages everyone.
        var assessment = UrgencyClassifier.Assess("Մեզ փակել են սենյակում, help now");

        Assert.Equal(Urgency.Urgent, assessment.Urgency);
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("Hello, good evening")]
    [InlineData("شكرا")]
    public void Assess_ShortOrdinaryMessage_StaysNormal(string message)
    {
        var assessment = UrgencyClassifier.Assess(message);

        Assert.Equal(Urgency.Normal, assessment.Urgency);
        Assert.True(assessment.LanguageRead);
    }

    [Fact]
    public void Rules_EveryLanguageOfTheRoutes_HasRulesMarkedWithTheirReview()
    {
        string[] routes = ["ar", "ar-Latn", "fa", "prs", "ps", "ur", "ckb", "kmr", "ti", "so", "bn", "tr", "uk", "ru", "sq", "sr", "mk", "el", "fr", "en", "es", "it", "de"];

        Assert.Equal(routes.Order(StringComparer.Ordinal), UrgencyRuleSet.All.Select(r => r.Language).Order(StringComparer.Ordinal));
        Assert.All(UrgencyRuleSet.All, r => Assert.False(string.IsNullOrWhiteSpace(r.Review)));
        Assert.True(UrgencyClassifier.Reads("hr") && UrgencyClassifier.Reads("bs") && UrgencyClassifier.Reads("sr-Latn") && UrgencyClassifier.Reads("prs"));
        Assert.False(UrgencyClassifier.Reads("hy"));

        // An alert names the language a report was read in, never "other" for one the rules read.
        Assert.All(UrgencyRuleSet.All, r => Assert.Equal(r.Language.Split('-')[0], Hotline.Text.LanguageTags.ForAlert(r.Language)));
    }

    [Fact]
    public void Docs_TriageLanguageTable_ListsEveryRuleFileWithItsReview()
    {
        var intake = File.ReadAllText(Path.Combine(Hotline.Tests.Infrastructure.RepoPaths.Root, "docs", "intake.md"));
        var section = intake[intake.IndexOf("### Triage in every language", StringComparison.Ordinal)..];
        var rows = System.Text.RegularExpressions.Regex.Matches(section[..section.IndexOf("\n### ", 5, StringComparison.Ordinal)], @"^\|[^|]+\| `([^`]+)` \|[^|]+\| ([^|]+) \|$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim());

        Assert.Equal(UrgencyRuleSet.All.ToDictionary(r => r.Language, r => r.Review), rows);
    }

    [Fact]
    public void Languages_CoverTheHotlinesLanguages()
    {
        foreach (var language in new[] { "en", "ar", "fa", "uk", "ru", "fr", "sq", "es" })
        {
            Assert.Contains(language, UrgencyClassifier.Languages);
        }
    }
}
