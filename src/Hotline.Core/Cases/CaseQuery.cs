using Hotline.Triage;

namespace Hotline.Cases;

/// <summary>Which cases to list: every filter optional; newest first, <see cref="Top"/> at a time.</summary>
public sealed record CaseQuery(
    CaseStatus? Status = null, Urgency? Urgency = null, Channel? Channel = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, int Top = 50, string? Continuation = null);
