using Azure;

namespace Hotline.Dispatch;

/// <param name="ETag">The claim's ETag when <see cref="ClaimState.Ours"/>: only the holder may settle it.</param>
/// <param name="TookOver">A stale claim (a delivery that ended without a verdict) was taken over.</param>
public sealed record AlertClaim(ClaimState State, ETag ETag = default, int Status = 0, int TwilioErrorCode = 0, bool TookOver = false);
