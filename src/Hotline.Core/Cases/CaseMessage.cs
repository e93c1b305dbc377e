using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Cases;

/// <summary>One message as intake records it in its case: what the case record is updated from.</summary>
public sealed record CaseMessage(TipId TipId, Channel Channel, Urgency Urgency, string Language, DateTimeOffset ReceivedAt, int Sequence, bool? ContactPaused);
