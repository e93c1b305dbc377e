using System.Text.Json.Serialization;

namespace Hotline.Sms;

/// <summary>One media item of an inbound MMS as Twilio posted it: where it is at Twilio, and the type Twilio declared.</summary>
public sealed record InboundMedia(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("contentType")] string? ContentType);
