using Hotline.Text;

namespace Hotline.Tests.Text;

public sealed class TextNormalizerTests
{
    [Theory]
    // Case, and one space around and between words (so rules can match at a word start).
    [InlineData("HELP Now", " help now ")]
    [InlineData("help!!!now", " help now ")]
    [InlineData("  they\t\nlocked   us ", " they locked us ")]
    // Latin diacritics
    [InlineData("Enfermés", " enfermes ")]
    [InlineData("fëmijë", " femije ")]
    [InlineData("NIÑOS", " ninos ")]
    // Cyrillic ё
    [InlineData("ребёнок", " ребенок ")]
    public void Fold_LatinAndCyrillic_LowersAndDropsDiacritics(string text, string expected)
    {
        Assert.Equal(expected, TextNormalizer.Fold(text));
    }

    [Theory]
    // Harakat (vowel marks) and shadda
    [InlineData("مُحْتَجَز", "محتجز")]
    [InlineData("مُحتجَزّ", "محتجز")]
    // Alef with hamza above or below, with madda, wasla
    [InlineData("أخذوا إلى آخر ٱلمكان", "اخذوا الى اخر المكان")]
    // Teh marbuta and heh; alef maksura and yeh
    [InlineData("النجدة", "النجده")]
    [InlineData("على", "علي")]
    // Hamza on waw and on yeh
    [InlineData("مؤسسة", "موسسه")]
    [InlineData("سائق", "سايق")]
    // Tatweel (kashida), stretched for looks
    [InlineData("جـــواز", "جواز")]
    // Farsi typed on an Arabic keyboard: Arabic yeh (U+064A) and kaf (U+0643) for Persian yeh (U+06CC) and keheh (U+06A9).
    [InlineData("\u064A\u0643 \u0643\u0648\u062F\u0643", "\u06CC\u06A9 \u06A9\u0648\u062F\u06A9")]
    [InlineData("زنداني", "زندانی")]
    // Heh with yeh above (U+06C0, the ezafe), precomposed or as heh + hamza above (U+0654): heh.
    [InlineData("\u0628\u0686\u06C0", "\u0628\u0686\u0647")]
    [InlineData("\u0628\u0686\u0647\u0654", "\u0628\u0686\u0647")]
    // Zero-width non-joiner between the parts of a word: a word joint, matched like a space.
    [InlineData("می\u200Cزنند", "می زنند")]
    public void Fold_ArabicAndPersianVariants_FoldToOneSpelling(string text, string same)
    {
        Assert.Equal(TextNormalizer.Fold(same), TextNormalizer.Fold(text));
    }
}
