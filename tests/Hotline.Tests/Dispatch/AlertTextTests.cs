using Hotline.Dispatch;
using Hotline.Functions.Texts;
using Hotline.Text;
using Hotline.Triage;

namespace Hotline.Tests.Dispatch;

public sealed class AlertTextTests
{
    private static readonly string LongestReceipt = new('K', AlertFacts.MaxReceiptLength);
    // What an alert may print for a language: a known primary subtag or "other".
    private static readonly string LongestLanguage = LanguageTags.Known.Append(LanguageTags.Other).MaxBy(l => l.Length)!;

    public static TheoryData<string> Languages => new(TextCatalogue.AlertWordings.Languages);

    [Theory]
    [MemberData(nameof(Languages))]
    public void AlertText_EveryVariant_HasOneLengthPerLanguage(string language)
    {
        var wording = TextCatalogue.AlertWordings[language];
        var classes = new HashSet<(int Length, bool Gsm7)>();
        foreach (var kind in Enum.GetValues<AlertKind>())
        {
            foreach (var urgency in new Urgency?[] { null, Urgency.Normal, Urgency.High, Urgency.Urgent })
            {
                foreach (var channel in new Channel?[] { null, Channel.Web, Channel.Sms })
                {
                    foreach (var (paused, followUp) in new[] { (false, false), (true, false), (false, true), (true, true) })
                    {
                        foreach (var (receipt, lang, at) in new[] { ("K7QF-2M9X-4TJD", "ar", (DateTimeOffset?)DateTimeOffset.UnixEpoch), (LongestReceipt, LongestLanguage, null), ("?", null, null) })
                        {
                            var facts = new AlertFacts(kind, receipt, urgency, channel, at, lang, paused, "key") { FollowUp = followUp };
                            var sms = AlertText.Sms(facts, wording);
                            Assert.True(sms.Length == AlertText.TargetLength(sms), $"{language} {kind} {urgency} {channel} {paused}: {sms.Length} chars, over the class");
                            classes.Add((sms.Length, AlertText.IsGsm7(sms)));
                        }
                    }
                }
            }
        }

        // One length and one alphabet: the same segment count whatever the alert says.
        Assert.Single(classes);
    }

    [Fact]
    public void AlertText_EnglishAndArabic_UseTheirAlphabetsLengthClass()
    {
        var facts = new AlertFacts(AlertKind.Alert, "K7QF-2M9X-4TJD", Urgency.Normal, Channel.Web, DateTimeOffset.UnixEpoch, "en", false, "key");

        Assert.Equal(AlertText.GsmLength, AlertText.Sms(facts, TextCatalogue.AlertWordings["en"]).Length);
        Assert.Equal(AlertText.Ucs2Length, AlertText.Sms(facts, TextCatalogue.AlertWordings["ar"]).Length);
        Assert.EndsWith("\nOpen the responder tool.", AlertText.Sms(facts, TextCatalogue.AlertWordings["en"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Channel.Sms, "SMS")]
    [InlineData(Channel.Web, "web form")]
    public void AlertText_FollowUpOfACase_SaysFollowUpAndNothingMore(Channel channel, string said)
    {
        // An SMS follow-up and a web tipster's added message page alike: the channel, then "follow-up".
        var message = new TriageMessage("K7QF-2M9X-4TJD", channel, Urgency.Urgent, DateTimeOffset.UnixEpoch, "en") { FollowUp = true };
        var facts = AlertFacts.ForAlert(TriageMessage.Parse(message.ToJson()));

        Assert.Contains($"\nChannel: {said}, follow-up\n", AlertText.Sms(facts, TextCatalogue.AlertWordings["en"]), StringComparison.Ordinal);
        Assert.True(AlertText.Webhook(facts, TextCatalogue.AlertWordings["en"]).FollowUp);
        Assert.Contains($"\nChannel: {said}\n", AlertText.Sms(AlertFacts.ForAlert(message with { FollowUp = null }), TextCatalogue.AlertWordings["en"]), StringComparison.Ordinal);
        Assert.Contains("\"followUp\":true", message.ToJson(), StringComparison.Ordinal);
        Assert.DoesNotContain("followUp", (message with { FollowUp = null }).ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void AlertText_ResponderLanguages_PickTheFirstWithAWordingElseEnglish()
    {
        Assert.Equal("uk", TextCatalogue.AlertWordings.For(Responder(["de", "uk-UA", "ar"])).Tag);
        Assert.Equal("en", TextCatalogue.AlertWordings.For(Responder(["de"])).Tag);
        Assert.Equal("en", TextCatalogue.AlertWordings.For(Responder([])).Tag);
    }

    [Fact]
    public void AlertFacts_ReceiptWithOddCharacters_IsNotWellFormed()
    {
        var good = new TriageMessage("K7QF-2M9X-4TJD", Channel.Web, Urgency.High, DateTimeOffset.UnixEpoch, "und");

        Assert.True(AlertFacts.IsWellFormed(good));
        Assert.False(AlertFacts.IsWellFormed(good with { TipId = "../x" }));
        Assert.False(AlertFacts.IsWellFormed(good with { TipId = new string('K', 33) }));
        Assert.False(AlertFacts.IsWellFormed(good with { Language = "en\nCall +4477" }));
    }

    [Fact]
    public void AlertRouting_NormalAlert_FirstOnlyReadersOfTheLanguageFirst()
    {
        var roster = new[] { Responder(["en"], "A"), Responder(["fr", "ar"], "B"), Responder(["ar"], "C", Urgency.Urgent) };

        var plan = AlertRouting.Plan(roster, Urgency.Normal, "ar-SY", Urgency.Urgent);

        Assert.True(plan.FirstReachedOnly);
        Assert.Equal(["B", "A"], plan.Responders.Select(r => r.Name));
    }

    [Fact]
    public void AlertRouting_UrgentAlert_EveryoneWhoseMinUrgencyAllows()
    {
        var roster = new[] { Responder(["en"], "A", Urgency.High), Responder([], "B"), Responder([], "C", Urgency.Urgent) };

        Assert.Equal(["A", "B", "C"], AlertRouting.Plan(roster, Urgency.Urgent, "en", Urgency.Urgent).Responders.Select(r => r.Name));
        Assert.False(AlertRouting.Plan(roster, Urgency.High, "en", Urgency.High).FirstReachedOnly);
        Assert.Equal(["A", "B"], AlertRouting.Plan(roster, Urgency.High, "en", Urgency.High).Responders.Select(r => r.Name));
    }

    [Fact]
    public void AlertRouting_NobodyTakesTheUrgency_FallsBackToTheRoster()
    {
        var roster = new[] { Responder([], "A", Urgency.Urgent) };

        var plan = AlertRouting.Plan(roster, Urgency.Normal, "en", Urgency.Urgent);

        Assert.True(plan.IgnoredMinUrgency);
        Assert.Equal(["A"], plan.Responders.Select(r => r.Name));
    }

    private static Responder Responder(string[] languages, string name = "A", Urgency min = Urgency.Normal) =>
        new("Responders__0", name, "+447700900101", null, languages, min);

    [Theory]
    [InlineData("ar", "ar")]
    [InlineData("ar-SY", "ar")]
    [InlineData("FA-IR", "fa")]
    [InlineData("prs", "prs")]
    [InlineData("und", "Unknown")]
    [InlineData("zz-Evil", "other")]
    [InlineData("kl-aaaaaaaa-bbbbbbbb-cccccccc", "other")]
    public void AlertText_ReportLanguage_PrintsOnlyAKnownLanguageOrOther(string tag, string printed)
    {
        // Hardening 11: never an attacker's characters on a responder's phone.
        var facts = AlertFacts.ForAlert(new TriageMessage("K7QF-2M9X-4TJD", Channel.Web, Urgency.Normal, DateTimeOffset.UnixEpoch, tag, null));

        var sms = AlertText.Sms(facts, TextCatalogue.AlertWordings["en"]);

        // The SMS pads its second-to-last line with spaces to its length class.
        Assert.Matches("\nLanguage: " + (printed == "Unknown" ? TextCatalogue.AlertWordings["en"].Unknown : printed) + " *\n", sms);
        Assert.Equal(printed == "Unknown" ? "und" : printed, AlertText.Webhook(facts, TextCatalogue.AlertWordings["en"]).Language);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void AlertText_DigestOfAnySize_KeepsTheAlertsLengthClassAndCountsTheReceiptsLeftOut(string language)
    {
        var wording = TextCatalogue.AlertWordings[language];
        var alert = AlertText.Sms(new AlertFacts(AlertKind.Alert, "K7QF-2M9X-4TJD", Urgency.Normal, Channel.Web, DateTimeOffset.UnixEpoch, "en", false, "key"), wording);
        foreach (var count in new[] { 0, 1, 3, 50, 50_000 })
        {
            var alerts = Enumerable.Range(0, count)
                .Select(i => new TriageMessage($"K{i:D3}-2M9X-4TJD", Channel.Sms, i % 7 == 0 ? Urgency.Urgent : Urgency.Normal, DateTimeOffset.UnixEpoch.AddMinutes(i), "ar"))
                .ToList();
            var facts = AlertFacts.ForDigest(alerts, count > 0 ? ["K7QF-2M9X-4TJD"] : []);

            var sms = AlertText.Sms(facts, wording);

            // The same size and alphabet as every alert: a phone bill does not tell a digest from an alert.
            Assert.Equal(alert.Length, sms.Length);
            Assert.Equal(AlertText.IsGsm7(alert), AlertText.IsGsm7(sms));
            var receipts = sms.Split('\n')[3];
            var shown = alerts.Select(a => a.TipId).Count(r => receipts.Contains(r, StringComparison.Ordinal));
            var left = alerts.Count + (count > 0 ? 1 : 0) - shown - (receipts.Contains("K7QF-2M9X-4TJD", StringComparison.Ordinal) ? 1 : 0);
            if (left > 0)
            {
                Assert.EndsWith($" +{left}", receipts, StringComparison.Ordinal);
            }

            // Urgent receipts come first.
            if (count > 0)
            {
                Assert.Contains($": {alerts[0].TipId}", receipts, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void AlertFacts_DigestOfTheSameAlerts_HasTheSameLedgerKeyWhateverTheOrder()
    {
        var a = new TriageMessage("K7QF-2M9X-4TJA", Channel.Sms, Urgency.Urgent, DateTimeOffset.UnixEpoch, "ar");
        var b = new TriageMessage("K7QF-2M9X-4TJB", Channel.Web, Urgency.Normal, DateTimeOffset.UnixEpoch, "en");

        var key = AlertFacts.ForDigest([a, b], []).LedgerKey;

        Assert.Equal(key, AlertFacts.ForDigest([b, a], []).LedgerKey);
        Assert.NotEqual(key, AlertFacts.ForDigest([a], []).LedgerKey);
        Assert.NotEqual(key, AlertFacts.ForDigest([a, b], ["K7QF-2M9X-4TJC"]).LedgerKey);
        Assert.Equal(Urgency.Urgent, AlertFacts.ForDigest([a, b], []).Urgency);
        Assert.Null(AlertFacts.ForDigest([a, b], ["K7QF-2M9X-4TJC"]).Urgency); // unknown: everyone is paged
    }
}
