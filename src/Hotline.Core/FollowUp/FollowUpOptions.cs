using Microsoft.Extensions.Options;

namespace Hotline.FollowUp;

/// <summary>The <c>Hotline__FollowUp__*</c> settings: the code's key stretching, the token's life, the look-up limits.</summary>
public sealed class FollowUpOptions
{
    public const string SectionName = "Hotline:FollowUp";

    /// <summary>OWASP's minimum for Argon2id (m = 19 MiB, t = 2, p = 1): the floor this setting may not go under.</summary>
    public const int MinMemoryKiB = 19 * 1024;

    public const int MinPasses = 2;

    /// <summary>Argon2id memory per derivation, KiB (one per web report and one per look-up).</summary>
    public int Argon2MemoryKiB { get; set; } = MinMemoryKiB;

    /// <summary>Argon2id passes over that memory.</summary>
    public int Argon2Passes { get; set; } = MinPasses;

    /// <summary>How long the sealed token between the conversation page and the add-message form stays good.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Failed look-ups allowed per client address (IPv4 address, IPv6 /64) per hour (GlobaLeaks: 10); 0 turns it off.</summary>
    public int FailuresPerHour { get; set; } = 10;

    /// <summary>Failed look-ups allowed per network (IPv4 /24, IPv6 /48) per hour; 0 turns it off.</summary>
    public int NetworkFailuresPerHour { get; set; } = 50;
}

/// <summary>One clear line per bad follow-up setting, at start-up.</summary>
public sealed class FollowUpOptionsValidator : IValidateOptions<FollowUpOptions>
{
    public ValidateOptionsResult Validate(string? name, FollowUpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Argon2MemoryKiB < FollowUpOptions.MinMemoryKiB)
        {
            failures.Add($"Hotline__FollowUp__Argon2MemoryKiB must be at least {FollowUpOptions.MinMemoryKiB} (OWASP's minimum for Argon2id).");
        }

        if (options.Argon2Passes < FollowUpOptions.MinPasses)
        {
            failures.Add($"Hotline__FollowUp__Argon2Passes must be at least {FollowUpOptions.MinPasses} (OWASP's minimum for Argon2id).");
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromHours(12))
        {
            failures.Add("Hotline__FollowUp__TokenLifetime must be more than zero and at most 12:00:00.");
        }

        if (options.FailuresPerHour < 0 || options.NetworkFailuresPerHour < 0)
        {
            failures.Add("Hotline__FollowUp__FailuresPerHour and __NetworkFailuresPerHour must be 0 (off) or more.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
