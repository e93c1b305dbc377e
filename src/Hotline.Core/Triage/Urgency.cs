using System.Text.Json.Serialization;

namespace Hotline.Triage;

/// <summary>How soon responders must act on a report.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Urgency>))]
public enum Urgency
{
    /// <summary>Nothing points at immediate danger.</summary>
    [JsonStringEnumMemberName("normal")]
    Normal = 0,

    /// <summary>Signs of trafficking or exploitation, no immediate danger.</summary>
    [JsonStringEnumMemberName("high")]
    High = 1,

    /// <summary>Immediate danger: locked in, beaten, weapons, children at risk, kidnapping, "help now".</summary>
    [JsonStringEnumMemberName("urgent")]
    Urgent = 2,
}
