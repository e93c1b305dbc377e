namespace Hotline.Dispatch;

/// <summary>What a digest says: how many reports, how many urgent, since when, and their receipts (urgent first).</summary>
public sealed record DigestSummary(int Reports, int Urgent, DateTimeOffset? Since, IReadOnlyList<string> Receipts);
