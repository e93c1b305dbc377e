using Hotline.Functions.Texts;
using Hotline.Sms;

namespace Hotline.Functions.SmsInbound;

/// <summary>
/// What a whole message means when it is exactly a keyword (case and trailing punctuation ignored). Only
/// exact commands are commands: anything more is a report, because words that start like a command
/// ("Lang 3 men took us") are someone's report, and must be stored and paged.
/// </summary>
internal enum SmsCommand
{
    None,
    Stop,
    Start,
    Help,

    /// <summary><c>LANG</c> (the menu), or <c>LANG</c> with a choice: a clear request whatever came before.</summary>
    Language,

    /// <summary>
    /// A lone one- or two-digit number: an answer to the menu only when it is the next message after the menu was
    /// sent to that number, within minutes (<see cref="SmsIntake.MenuAnswerWindow"/>); otherwise a report ("12":
    /// how many people).
    /// </summary>
    MenuAnswer,
}

internal static class SmsKeywords
{
    // Twilio's default opt-out and opt-in words: Twilio itself blocks or resumes replies on these.
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal) { "STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE" };
    private static readonly HashSet<string> StartWords = new(StringComparer.Ordinal) { "START", "YES", "UNSTOP" };
    private static readonly HashSet<string> HelpWords = new(StringComparer.Ordinal) { "HELP", "INFO" };

    public static (SmsCommand Command, string Argument) Parse(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var text = body.Trim().TrimEnd('.', '!', '?', '؟').Trim().ToUpperInvariant();
        if (StopWords.Contains(text))
        {
            return (SmsCommand.Stop, string.Empty);
        }

        if (StartWords.Contains(text))
        {
            return (SmsCommand.Start, string.Empty);
        }

        if (HelpWords.Contains(text))
        {
            return (SmsCommand.Help, string.Empty);
        }

        // "LANG", and "LANG 2", "LANG: ar", "lang-2", "LANG Dari" when what follows is a choice the menu knows;
        // and a bare menu number of one or two digits (in any script's digits, as Arabic and Persian keypads
        // type them): people answer a numbered menu with the number alone, but a lone number after a report is
        // part of it, so whether it answers the menu is the caller's to decide from what was last sent.
        if (text == "LANG")
        {
            return (SmsCommand.Language, string.Empty);
        }

        if (text.StartsWith("LANG", StringComparison.Ordinal) && !char.IsLetter(text[4]))
        {
            // A menu number that is not on the menu ("LANG 9") still means the menu: it is shown again.
            var choice = body.Trim()[4..].Trim().TrimStart(':', '-', '=').Trim();
            var menuAnswer = TextCatalogue.Choose(choice) is not null || (choice.Length is > 0 and <= 2 && choice.All(char.IsDigit));
            return menuAnswer ? (SmsCommand.Language, choice) : (SmsCommand.None, string.Empty);
        }

        if (text.Length is 1 or 2 && text.All(char.IsDigit))
        {
            return (SmsCommand.MenuAnswer, text);
        }

        return (SmsCommand.None, string.Empty);
    }

    public static SmsKind Kind(SmsCommand command) => command switch
    {
        SmsCommand.Stop => SmsKind.Stop,
        SmsCommand.Start => SmsKind.Start,
        SmsCommand.Language or SmsCommand.MenuAnswer => SmsKind.Lang,
        _ => SmsKind.Message,
    };
}
