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

        if (text == "LANG" || text.StartsWith("LANG ", StringComparison.Ordinal))
        {
            return (SmsCommand.Language, body.Trim()[4..].Trim());
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
