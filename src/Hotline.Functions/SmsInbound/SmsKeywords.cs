using Hotline.Sms;

namespace Hotline.Functions.SmsInbound;

/// <summary>What a whole message means when it is a keyword (case and trailing punctuation ignored).</summary>
internal enum SmsCommand
{
    None,
    Stop,
    Start,
    Help,
    Language,
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

        // "LANG", "LANG 2", "LANG: ar", "lang-2"; and a bare menu number ("2", or "٢" from an Arabic
        // keypad): people answer a numbered menu with the number alone, and a lone digit is no report.
        if (text.StartsWith("LANG", StringComparison.Ordinal) && (text.Length == 4 || !char.IsLetter(text[4])))
        {
            return (SmsCommand.Language, body.Trim()[4..].Trim().TrimStart(':', '-', '=').Trim());
        }

        if (text.Length == 1 && char.IsDigit(text[0]))
        {
            return (SmsCommand.Language, text);
        }

        return (SmsCommand.None, string.Empty);
    }

    public static SmsKind Kind(SmsCommand command) => command switch
    {
        SmsCommand.Stop => SmsKind.Stop,
        SmsCommand.Start => SmsKind.Start,
        _ => SmsKind.Message,
    };
}
