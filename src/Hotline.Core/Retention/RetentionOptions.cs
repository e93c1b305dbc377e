using Microsoft.Extensions.Options;

namespace Hotline.Retention;

/// <summary>
/// How long a case is kept (section <c>Hotline:Retention</c>): the earliest of three limits, unless a responder holds
/// it (<c>hotline tips keep</c>). The defaults follow the Article 29 Working Party's "usually within two months of the
/// end of the investigation" for closed cases, and bound every other case.
/// </summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Hotline:Retention";

    /// <summary>Days a closed case is kept after it was closed.</summary>
    public int ClosedDays { get; set; } = 60;

    /// <summary>Days a case is kept after its last activity (a message, a reply, a note, a status change).</summary>
    public int InactiveDays { get; set; } = 180;

    /// <summary>Days no case outlives from its first message, closed or not (a hold aside). The storage lifecycle rule deletes report blobs 30 days after it, whatever the timer did.</summary>
    public int MaxDays { get; set; } = 730;

    /// <summary>Days after <see cref="MaxDays"/> (from a blob's creation) the storage lifecycle rule in infra deletes report blobs, hold or not.</summary>
    public const int BackstopMarginDays = 30;

    /// <summary>How far ahead the daily warning looks.</summary>
    public static readonly TimeSpan WarnAhead = TimeSpan.FromHours(72);
}

public sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, value) in new[] { ("ClosedDays", options.ClosedDays), ("InactiveDays", options.InactiveDays), ("MaxDays", options.MaxDays) })
        {
            if (value is < 1 or > 36_500)
            {
                failures.Add($"Hotline__Retention__{setting} must be a whole number of days from 1 to 36500.");
            }
        }

        if (failures.Count == 0 && (options.ClosedDays > options.MaxDays || options.InactiveDays > options.MaxDays))
        {
            failures.Add("Hotline__Retention__MaxDays must be at least ClosedDays and InactiveDays: no case outlives it.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
