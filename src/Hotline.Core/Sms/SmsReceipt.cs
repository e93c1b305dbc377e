using Hotline.Tips;
using Hotline.Triage;

namespace Hotline.Sms;

/// <summary>What happened to an SMS: its case, its place in it, and what the tipster should hear.</summary>
public sealed record SmsReceipt(TipId TipId, int Sequence, Urgency Urgency, string Language, bool NewCase, bool Duplicate);
