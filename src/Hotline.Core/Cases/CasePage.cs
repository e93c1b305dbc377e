namespace Hotline.Cases;

/// <summary>One page of cases, how many matched in all, and the token for the next page (null on the last).</summary>
public sealed record CasePage(IReadOnlyList<CaseRecord> Cases, int Matched, string? Continuation);
