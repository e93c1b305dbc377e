using System.Text.RegularExpressions;

namespace Hotline.Text;

/// <summary>
/// One rule for language tags from intake to alert. Intake accepts a BCP-47 tag of at most 35 characters
/// (what a client may state, kept in the encrypted report as given); the triage message carries the same
/// tag, and dispatch accepts exactly what intake accepts. An alert prints only a language this hotline
/// knows, by its primary subtag, or "other": never an attacker's characters on a responder's phone.
/// </summary>
public static partial class LanguageTags
{
    /// <summary>The longest tag accepted anywhere (RFC 5646's practical limit for a tag without extensions).</summary>
    public const int MaxLength = 35;

    /// <summary>What an alert says for a valid tag whose language is not one of <see cref="Known"/>.</summary>
    public const string Other = "other";

    /// <summary>
    /// The languages of the routes (and those the classifier, the form and the SMS replies know), by primary
    /// subtag: English, Arabic, Farsi, Dari, Pashto, Urdu, Kurdish (and Sorani, Kurmanji), Ukrainian, Russian,
    /// Albanian, Serbian, Croatian, Bosnian, Macedonian, French, Spanish, Italian, German, Tigrinya, Amharic,
    /// Turkish, Greek, Somali, Bengali, Tamil, Hindi, Punjabi.
    /// </summary>
    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "en", "ar", "fa", "prs", "ps", "ur", "ku", "ckb", "kmr", "uk", "ru", "sq", "sr", "hr", "bs", "mk", "fr", "es", "it", "de", "ti", "am", "tr",
        "el", "so", "bn", "ta", "hi", "pa",
    };

    public static bool IsValid(string? tag) => tag is { Length: > 0 and <= MaxLength } && Tag().IsMatch(tag);

    /// <summary>
    /// What an alert may print for <paramref name="tag"/>: its primary subtag when known, <c>und</c> for
    /// undetermined, <see cref="Other"/> for anything else.
    /// </summary>
    public static string ForAlert(string? tag)
    {
        if (tag is null || !IsValid(tag))
        {
            return Other;
        }

        var dash = tag.IndexOf('-', StringComparison.Ordinal);
        var primary = (dash < 0 ? tag : tag[..dash]).ToLowerInvariant();
        return primary == LanguageDetector.Undetermined || Known.Contains(primary) ? primary : Other;
    }

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
