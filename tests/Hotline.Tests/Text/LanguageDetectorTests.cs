using Hotline.Text;

namespace Hotline.Tests.Text;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("They keep the workers in the basement and they are not paid", "en")]
    [InlineData("ساعدونا من فضلكم، نحن في المستودع", "ar")]
    [InlineData("سلام، ما را در یک خانه نگه داشته‌اند و کمک می‌خواهیم", "fa")]
    [InlineData("زه په یوه کور کې بند یم، مرسته وکړئ", "ps")]
    [InlineData("Нас тримають у підвалі, допоможіть будь ласка", "uk")]
    [InlineData("Нас держат в подвале, помогите пожалуйста", "ru")]
    [InlineData("Nous sommes enfermés et le patron ne nous paie pas", "fr")]
    [InlineData("Jam në një shtëpi dhe nuk më lënë të dal, ndihmoni", "sq")]
    [InlineData("Estamos en una casa y no nos dejan salir, ayuda por favor", "es")]
    public void Detect_SampleMessage_GivesItsLanguage(string message, string expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345 !!!")]
    [InlineData("🙏🙏")]
    public void Detect_NoLetters_GivesUnd(string message)
    {
        Assert.Equal("und", LanguageDetector.Detect(message));
    }

    [Theory]
    [InlineData("Μας κλείδωσαν σε ένα δωμάτιο", "el")]
    [InlineData("ኣብ ሓደ ክፍሊ ዓጽዮምና", "ti")]
    [InlineData("ওরা আমাদের একটা রুমে আটকে রেখেছে", "bn")]
    public void Detect_ScriptOnlyOneLanguageWrites_GivesThatLanguage(string message, string expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(message));
    }

    [Theory]
    [InlineData("Zaključali su nas u sobu i tuku nas", "sr-Latn")]
    [InlineData("Закључали су нас у собу и туку нас", "sr")]
    public void Detect_SerbianInEitherAlphabet_TagsTheAlphabet(string message, string expected)
    {
        Assert.Equal(expected, LanguageDetector.Detect(message));
    }

    [Theory]
    [InlineData("Help now, they locked us in the farm house 3f2a7b1c-9d4e-4ec8-b5a2-7c9e3d1f0a6b")]
    [InlineData("They are in room 7b and 3c, the 2nd floor")]
    [InlineData("Language is the problem, we cannot speak to the police 9a7fe3d2-a7be-4c5d-8e2f-be7a9c3d5e6f")]
    [InlineData("We are in another place now, they took us there at night 0b7aef21-3e9d-4a5c-9f7e-a2d3c5e7f9ab")]
    [InlineData("It is me again about case K7QF-2M9X-4TJD, they moved us")]
    public void Detect_CodesWithDigits_AreNotTakenForArabizi(string message)
    {
        Assert.Equal("en", LanguageDetector.Detect(message));
    }

    [Theory]
    [InlineData("Մեզ փակել են սենյակում և ծեծում են")]
    [InlineData("ჩაგვკეტეს ოთახში")]
    [InlineData("救命")]
    [InlineData("Ikinulong nila kami sa isang kuwarto at binubugbog kami")]
    [InlineData("Ze hebben ons in een kamer opgesloten en slaan ons")]
    [InlineData("Bazali kokanga biso na shambre mpe babeti biso")]
    public void Guess_LanguageNoRulesRead_IsNotRecognised(string message)
    {
        var guess = LanguageDetector.Guess(message);

        Assert.False(guess.Recognised, $"read as {guess.Language}");
    }

    [Theory]
    [InlineData("ok")]
    [InlineData("Hello, good evening")]
    [InlineData("12345 !!!")]
    [InlineData("🙏🙏")]
    public void Guess_TooShortToTell_IsLeftToTheRules(string message)
    {
        Assert.True(LanguageDetector.Guess(message).Recognised);
    }
}
