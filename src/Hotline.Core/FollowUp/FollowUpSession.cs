using Hotline.Tips;

namespace Hotline.FollowUp;

/// <summary>An opened follow-up: the case, and its key (what the code unwrapped, or what a token carried).</summary>
public sealed record FollowUpSession(TipId TipId, CaseKey Key);
