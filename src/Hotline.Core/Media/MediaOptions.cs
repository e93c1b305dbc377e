using Microsoft.Extensions.Options;

namespace Hotline.Media;

/// <summary>Settings of <see cref="MediaFetcher"/> (<c>Hotline__Media__*</c>).</summary>
public sealed class MediaOptions
{
    public const string SectionName = "Hotline:Media";

    /// <summary>Twilio's own limit for a message's media (5 MB); WhatsApp media may reach 16 MB.</summary>
    public long MaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>
    /// Content types fetched and stored, comma-separated; <c>type/*</c> takes a whole family. Evidence comes as
    /// photos, voice notes, videos and documents; anything else (contact cards, executables) is refused.
    /// </summary>
    public string AllowedTypes { get; set; } = "image/*,audio/*,video/*,application/pdf";

    /// <summary>Attempts at a message's media before what failed is given up on (left at Twilio, responders told).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>The wait before the second attempt; it doubles for each one after (1, 2, 4, 8, 16 minutes by default).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>True when <paramref name="contentType"/> (lower case, no parameters) is on the allow-list.</summary>
    public bool Allows(string contentType)
    {
        ArgumentNullException.ThrowIfNull(contentType);
        foreach (var allowed in AllowedTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (allowed.EndsWith("/*", StringComparison.Ordinal)
                ? contentType.StartsWith(allowed[..^1], StringComparison.OrdinalIgnoreCase)
                : string.Equals(allowed, contentType, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        var failures = new List<string>();
        if (options.MaxBytes is < 1024 or > 100 * 1024 * 1024)
        {
            failures.Add("Hotline__Media__MaxBytes must be between 1024 and 104857600.");
        }

        if (string.IsNullOrWhiteSpace(options.AllowedTypes) || options.AllowedTypes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(t => t.Count(c => c == '/') != 1 || t.StartsWith('/') || t.EndsWith('/')))
        {
            failures.Add("Hotline__Media__AllowedTypes must be a comma-separated list of content types (image/jpeg, image/*).");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add("Hotline__Media__MaxAttempts must be between 1 and 20.");
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromHours(1))
        {
            failures.Add("Hotline__Media__RetryDelay must be between 00:00:00 and 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
