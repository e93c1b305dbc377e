using System.Text.Json.Serialization;

namespace Hotline.Dispatch;

/// <summary>
/// An alert's wording in one language: the <c>alert</c> section of a catalogue file (the app's <c>Texts/Strings</c>). Responders, not tipsters,
/// read it, so only the languages responders choose have one (<c>Languages</c> on the roster); the rest fall back
/// to English. A wording is wholly GSM-7 or wholly not (French avoids ê and ç): <see cref="AlertText"/>
/// pads every alert to one length per alphabet, and a variant slipping into UCS-2 would change its size.
/// </summary>
public sealed record AlertWording
{
    [JsonIgnore]
    public string Tag { get; init; } = string.Empty;

    public required string Title { get; init; }

    public required string UndeliveredTitle { get; init; }

    public required string UrgencyLabel { get; init; }

    public required string Normal { get; init; }

    public required string High { get; init; }

    public required string Urgent { get; init; }

    public required string ChannelLabel { get; init; }

    public required string WebForm { get; init; }

    public required string Sms { get; init; }

    public required string ReceiptLabel { get; init; }

    public required string ReceivedLabel { get; init; }

    public required string LanguageLabel { get; init; }

    public required string Unknown { get; init; }

    /// <summary>The tipster texted STOP.</summary>
    public required string Paused { get; init; }

    /// <summary>The last line of every alert: where to read the report.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The catalogue files' key and the webhook's field: a pointer to the responder tool, not a memory address.")]
    public required string Pointer { get; init; }

    public required string DigestTitle { get; init; }

    public required string ReportsLabel { get; init; }

    public required string SinceLabel { get; init; }

    public required string DigestNote { get; init; }

    public required string MediaTitle { get; init; }

    /// <summary>
    /// After the channel when the alert is about a further message of a case (an SMS follow-up, or a web tipster
    /// who came back with their code). Not required: a catalogue without it reads English's (the catalogue fills it).
    /// </summary>
    public string FollowUp { get; init; } = "follow-up";

    /// <summary>After the language when no triage rules read it.</summary>
    public required string LanguageUnread { get; init; }

    /// <summary>An escalation step's title, {0} the step (1 to 3): the alert again, not acknowledged yet.</summary>
    public required string EscalationTitle { get; init; }

    /// <summary>The line an SMS alert that waits for an acknowledgement ends with, {0} the case number.</summary>
    public required string AckHint { get; init; }

    /// <summary>The same for a digest, acknowledged as a whole by <c>ACK</c> alone.</summary>
    public required string AckHintDigest { get; init; }

    /// <summary>The title of the one notice the others get when someone acknowledged.</summary>
    public required string AcknowledgedTitle { get; init; }

    /// <summary>Before the name of who acknowledged.</summary>
    public required string ByLabel { get; init; }

    /// <summary>The answer to a roster phone's ACK, {0} the case number.</summary>
    public required string AckConfirmed { get; init; }

    /// <summary>{0} the case number, {1} who acknowledged it first.</summary>
    public required string AckAlready { get; init; }

    /// <summary>ACK of a case number with no alert waiting for an acknowledgement, {0} the case number.</summary>
    public required string AckNothing { get; init; }

    /// <summary>ACK alone, and no alert sent to that phone waits for one.</summary>
    public required string AckNothingLast { get; init; }

    /// <summary>The answer to anything else a roster phone sends: what it can send.</summary>
    public required string CommandHelp { get; init; }

    /// <summary>Retention's daily warning: its title.</summary>
    public required string ExpiringTitle { get; init; }

    /// <summary>How many cases expire within 72 hours: one <c>{0}</c>.</summary>
    public required string ExpiringCount { get; init; }

    /// <summary>How to keep one (the tool's command).</summary>
    public required string ExpiringKeep { get; init; }
}
