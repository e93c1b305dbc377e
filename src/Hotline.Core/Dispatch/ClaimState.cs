namespace Hotline.Dispatch;

/// <summary>Where one (alert, responder, channel) send stands, as <see cref="AlertLedger.ClaimAsync"/> found it.</summary>
public enum ClaimState
{
    /// <summary>This delivery holds the claim (<see cref="AlertClaim.ETag"/>) and sends.</summary>
    Ours,

    /// <summary>Another delivery holds a fresh claim: it may be sending right now.</summary>
    InProgressElsewhere,

    /// <summary>Sent before: not again.</summary>
    Sent,

    /// <summary>Refused for good before (a 4xx): not again.</summary>
    Refused,

    /// <summary>Sent, and Twilio reported it undelivered or failed: not again; this responder was not reached by it.</summary>
    Undelivered,
}
