using Hotline.Cases;

namespace Hotline.Retention;

/// <summary>
/// When a case expires, from its record alone: the earliest of its first message + <c>MaxDays</c>, its last activity +
/// <c>InactiveDays</c> and, once closed, its closing + <c>ClosedDays</c>; a hold keeps it at least until the hold's end.
/// Computed, not stored, so a changed setting applies to every case at once; the app's daily run and the responders'
/// tool compute it alike from the same settings.
/// </summary>
public static class CaseRetention
{
    public static DateTimeOffset ExpiresAt(CaseRecord record, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        var expires = Min(record.ReceivedAt.AddDays(options.MaxDays), record.LastActivityAt.AddDays(options.InactiveDays));
        if (record.Status == CaseStatus.Closed)
        {
            expires = Min(expires, (record.ClosedAt ?? record.LastActivityAt).AddDays(options.ClosedDays));
        }

        return record.HeldUntil is { } held && held > expires ? held : expires;
    }

    /// <summary>
    /// When the storage lifecycle rule deletes the case's first blobs whatever the app does (a month after MaxDays from
    /// its first message): no hold can outlast it, so a longer one needs a larger MaxDays, in the app and in infra.
    /// </summary>
    public static DateTimeOffset BackstopAt(CaseRecord record, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(options);
        return record.ReceivedAt.AddDays(options.MaxDays + RetentionOptions.BackstopMarginDays);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
