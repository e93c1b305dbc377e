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
}
