using System.Text.Json.Serialization;

namespace Hotline.Triage;

/// <summary>Where a report came in.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Channel>))]
public enum Channel
{
    [JsonStringEnumMemberName("web")]
    Web,

    [JsonStringEnumMemberName("sms")]
    Sms,
}
