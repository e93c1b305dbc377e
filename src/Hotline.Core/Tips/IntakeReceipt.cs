using Hotline.Triage;

namespace Hotline.Tips;

/// <summary>The tipster's receipt: their case id and how it was triaged.</summary>
public sealed record IntakeReceipt(TipId TipId, Urgency Urgency, DateTimeOffset ReceivedAt);
