using System.Text.Json.Serialization;

namespace Hotline.Escalation;

[JsonConverter(typeof(JsonStringEnumConverter<AckOutcome>))]
public enum AckOutcome
{
    /// <summary>Acknowledged now (or before, by the same responder: a retried ACK).</summary>
    Acknowledged,

    /// <summary>Someone else acknowledged it first.</summary>
    AlreadyAcknowledged,

    /// <summary>No alert waits for an acknowledgement under that number.</summary>
    Nothing,
}

/// <param name="Shown">The case number as a responder reads it (a digest's first, with the count of the rest).</param>
/// <param name="By">Who acknowledged (the first one, for <see cref="AckOutcome.AlreadyAcknowledged"/>).</param>
public sealed record AckResult(AckOutcome Outcome, string? Shown = null, string? By = null);
