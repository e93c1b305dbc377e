using System.Globalization;
using Hotline.Text;
using Hotline.Triage;

namespace Hotline.Cases;

/// <summary>
/// What responders list cases by, without decrypting anything: a case's channel, urgency, language,
/// status, times and message count. Nothing a tipster wrote and no number: the report stays in its
/// envelope. Stored as the metadata of one empty blob per case (<see cref="CaseStore"/>), so one
/// listing request returns 5,000 of them.
/// </summary>
public sealed record CaseRecord(
    string Receipt,
    Channel Channel,
    Urgency Urgency,
    string Language,
    CaseStatus Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset LastMessageAt,
    int Messages,
    bool ContactPaused,
    DateTimeOffset? TipsterReadAt = null,
    int? SeenMessages = null,
    DateTimeOffset? ActivityAt = null,
    DateTimeOffset? ClosedAt = null,
    DateTimeOffset? HeldUntil = null)
{
    /// <summary>
    /// Messages of a web case that no responder has seen yet (the follow-ups a tipster added since <c>tips show</c>
    /// last opened it); 0 for an SMS case, whose follow-ups page as they come.
    /// </summary>
    public int UnreadAdditions => Channel == Channel.Web ? Math.Max(0, Messages - (SeenMessages ?? 1)) : 0;

    /// <summary>The case's last activity of any kind: a message, or a reply, note or status change (retention counts from it).</summary>
    public DateTimeOffset LastActivityAt => ActivityAt is { } at && at > LastMessageAt ? at : LastMessageAt;

    private const string Version = "v1";

    public static string StatusName(CaseStatus status) => status switch
    {
        CaseStatus.New => "new",
        CaseStatus.InProgress => "in-progress",
        CaseStatus.Referred => "referred",
        CaseStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static bool TryParseStatus(string? text, out CaseStatus status)
    {
        foreach (var candidate in Enum.GetValues<CaseStatus>())
        {
            if (string.Equals(text, StatusName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                status = candidate;
                return true;
            }
        }

        status = default;
        return false;
    }

    /// <summary>The record as blob metadata (ASCII names and values, as Azure requires).</summary>
    public IDictionary<string, string> ToMetadata() => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["record"] = Version,
        ["channel"] = Channel == Channel.Sms ? "sms" : "web",
        ["urgency"] = Urgency.ToString().ToLowerInvariant(),
        ["language"] = Language,
        ["status"] = StatusName(Status),
        ["receivedat"] = ReceivedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["lastmessageat"] = LastMessageAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["messages"] = Messages.ToString(CultureInfo.InvariantCulture),
        ["contactpaused"] = ContactPaused ? "true" : "false",
    }.WithTime("tipsterreadat", TipsterReadAt)
     .With("seen", SeenMessages?.ToString(CultureInfo.InvariantCulture))
     .WithTime("activityat", ActivityAt).WithTime("closedat", ClosedAt).WithTime("helduntil", HeldUntil);

    /// <summary>Reads a record back; null when the metadata is not one (missing or odd values).</summary>
    public static CaseRecord? FromMetadata(string receipt, IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        string? Get(string name) => metadata.TryGetValue(name, out var value) ? value : null;
        if (Get("record") != Version
            || Get("channel") is not ("sms" or "web")
            || !Enum.TryParse<Urgency>(Get("urgency"), ignoreCase: true, out var urgency) || !Enum.IsDefined(urgency)
            || Get("language") is not { } language || !LanguageTags.IsValid(language)
            || !TryParseStatus(Get("status"), out var status)
            || !DateTimeOffset.TryParse(Get("receivedat"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var receivedAt)
            || !DateTimeOffset.TryParse(Get("lastmessageat"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var lastAt)
            || !int.TryParse(Get("messages"), NumberStyles.None, CultureInfo.InvariantCulture, out var messages))
        {
            return null;
        }

        // Records written before the follow-up or retention have none of these: their activity is their last message.
        int? seen = int.TryParse(Get("seen"), NumberStyles.None, CultureInfo.InvariantCulture, out var seenCount) ? seenCount : null;
        return new CaseRecord(receipt, Get("channel") == "sms" ? Channel.Sms : Channel.Web, urgency, language, status, receivedAt, lastAt, messages, Get("contactpaused") == "true", Time(Get("tipsterreadat")), seen)
        {
            ActivityAt = Time(Get("activityat")),
            ClosedAt = Time(Get("closedat")),
            HeldUntil = Time(Get("helduntil")),
        };
    }

    private static DateTimeOffset? Time(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}

internal static class CaseMetadata
{
    /// <summary>The metadata with one more entry when it has a value (records written before it had the entry stay as they were).</summary>
    public static Dictionary<string, string> With(this Dictionary<string, string> metadata, string name, string? value)
    {
        if (value is not null)
        {
            metadata[name] = value;
        }

        return metadata;
    }

    /// <summary>The metadata with one more time when it has one (records written without it stay as they were).</summary>
    public static Dictionary<string, string> WithTime(this Dictionary<string, string> metadata, string name, DateTimeOffset? value)
    {
        if (value is { } at)
        {
            metadata[name] = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        }

        return metadata;
    }
}
