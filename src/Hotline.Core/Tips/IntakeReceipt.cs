using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>The tipster's receipt: their case id, how it was triaged, and for a web report the follow-up code (shown once, never stored).</summary>
public sealed record IntakeReceipt(TipId TipId, Urgency Urgency, DateTimeOffset ReceivedAt, string? FollowUpCode = null);
