using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>What a tipster submitted, already validated by the channel.</summary>
public sealed record TipSubmission
{
    public required Channel Channel { get; init; }

    public required string Message { get; init; }

    /// <summary>BCP-47 tag; <c>und</c> if neither given nor detected.</summary>
    public required string Language { get; init; }

    public string? Location { get; init; }

    public string? Contact { get; init; }

    public string? Category { get; init; }

    public SmsSender? Sender { get; init; }

    public SmsDetails? Sms { get; init; }

    /// <summary>When set, raises the classifier's verdict to at least this (e.g. an SMS STOP mid-case).</summary>
    public bool? ContactPaused { get; init; }
}
