using System.Globalization;
using Hotline.Dispatch;
using Hotline.Tips;
using Microsoft.Extensions.Logging;

namespace Hotline.Escalation;

/// <summary>
/// What an SMS from a roster phone means: <c>ACK &lt;case number&gt;</c> (any typing a receipt parses from: spaces, lower
/// case, O for 0, I or L for 1), <c>ACK</c> alone (the last escalating alert sent to that phone), or nothing Hotline
/// knows, answered with a short help. Never a report: nothing of it is stored but the acknowledgement. Answers are in
/// the responder's alert language.
/// </summary>
public sealed partial class ResponderCommands(AlertEscalator escalator, Escalations escalations, AlertWordings wordings, ILogger<ResponderCommands> logger)
{
    // Twilio answers its opt-out and opt-in words itself and blocks replies: say nothing.
    private static readonly HashSet<string> TwilioWords = new(StringComparer.Ordinal) { "STOP", "STOPALL", "STOP ALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "START", "YES", "UNSTOP" };

    /// <summary>The reply to <paramref name="body"/> from <paramref name="responder"/>'s phone; null for no reply.</summary>
    public async Task<string?> AnswerAsync(Responder responder, string body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(responder);
        ArgumentNullException.ThrowIfNull(body);
        var w = wordings.For(responder);
        var text = body.Trim().TrimEnd('.', '!', '?', '؟').Trim();
        var upper = text.ToUpperInvariant();
        if (TwilioWords.Contains(upper))
        {
            Log.Command(logger, responder.Label, "opt-out word");
            return null;
        }

        if (!upper.StartsWith("ACK", StringComparison.Ordinal) || (upper.Length > 3 && char.IsLetter(upper[3])))
        {
            Log.Command(logger, responder.Label, "unknown");
            return w.CommandHelp;
        }

        var rest = text[3..].Trim().TrimStart(':', '-', '#', '=').Trim();
        if (rest.Length == 0)
        {
            Log.Command(logger, responder.Label, "ACK (last alert)");
            var last = await escalations.LastSentToAsync(responder, cancellationToken);
            return last is null ? w.AckNothingLast : Answer(await escalator.AcknowledgeAsync(last, responder.Name, AlertEscalator.ViaSms, cancellationToken), w, null);
        }

        if (!TipId.TryParse(rest, out var id))
        {
            Log.Command(logger, responder.Label, "ACK of no case number");
            return w.CommandHelp;
        }

        Log.Command(logger, responder.Label, "ACK");
        var receipt = id.Value.ToString();
        return Answer(await escalator.AcknowledgeAsync(receipt, responder.Name, AlertEscalator.ViaSms, cancellationToken), w, receipt);
    }

    private static string Answer(AckResult result, AlertWording w, string? typed) => result.Outcome switch
    {
        AckOutcome.Acknowledged => string.Format(CultureInfo.InvariantCulture, w.AckConfirmed, typed ?? result.Shown),
        AckOutcome.AlreadyAcknowledged => string.Format(CultureInfo.InvariantCulture, w.AckAlready, typed ?? result.Shown, result.By),
        _ => typed is null ? w.AckNothingLast : string.Format(CultureInfo.InvariantCulture, w.AckNothing, typed),
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "SMS from a roster phone ({Responder}): a responder command ({Command}), not a report; nothing stored, nobody paged.")]
        public static partial void Command(ILogger logger, string responder, string command);
    }
}
