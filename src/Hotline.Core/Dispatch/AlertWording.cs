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

    /// <summary>After the language when no triage rules read it.</summary>
    public required string LanguageUnread { get; init; }
}
