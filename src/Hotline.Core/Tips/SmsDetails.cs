using System.Text.Json.Serialization;

namespace Hotline.Tips;

/// <summary>Per-message SMS facts kept with the report.</summary>
public sealed record SmsDetails
{
    [JsonPropertyName("messageSid")]
    public required string MessageSid { get; init; }

    /// <summary>1 for the message that opened the case, then 2, 3, ... for later messages.</summary>
    [JsonPropertyName("sequence")]
    public required int Sequence { get; init; }

    /// <summary>
    /// Reports stored before Hotline fetched media itself held the media's URLs at Twilio: read, never written.
    /// </summary>
    [JsonPropertyName("mediaUrls")]
    public IReadOnlyList<string>? MediaUrls { get; init; }

    /// <summary>The media the message brought, as expected when it arrived (the settled facts are in its media record).</summary>
    [JsonPropertyName("media")]
    public IReadOnlyList<Hotline.Sms.MediaItem>? Media { get; init; }

    /// <summary>The tipster asked not to be contacted (STOP) or to resume (START) with this message.</summary>
    [JsonPropertyName("contactPaused")]
    public bool? ContactPaused { get; init; }

    [JsonPropertyName("keyword")]
    public string? Keyword { get; init; }
}
