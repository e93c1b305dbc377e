using System.Security.Cryptography;
using Hotline.Encryption;
using Microsoft.Extensions.Options;

namespace Hotline;

/// <summary>The <c>Hotline</c> settings section (<c>Hotline__*</c>).</summary>
public sealed class HotlineOptions
{
    public const string SectionName = "Hotline";

    /// <summary>Path of the RSA public key PEM that encrypts reports.</summary>
    public string? PublicKeyPath { get; set; }

    /// <summary>The RSA public key PEM itself (instead of a path; e.g. from an app setting).</summary>
    public string? PublicKeyPem { get; set; }

    /// <summary>Responders' private key (responder tools only; the intake app never reads it).</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Secret key of the phone-number pseudonym HMAC.</summary>
    public string? PhonePepper { get; set; }

    /// <summary>When set, secrets come from this Key Vault.</summary>
    public Uri? KeyVaultUri { get; set; }

    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>SMS from one number within this window join one case.</summary>
    public TimeSpan ConversationWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Reads the public key from <see cref="PublicKeyPem"/> or <see cref="PublicKeyPath"/>.</summary>
    public string ReadPublicKeyPem() =>
        !string.IsNullOrWhiteSpace(PublicKeyPem) ? PublicKeyPem
        : !string.IsNullOrWhiteSpace(PublicKeyPath) ? File.ReadAllText(PublicKeyPath)
        : throw new InvalidOperationException("No public key is configured.");
}

public sealed class RateLimitOptions
{
    /// <summary>Intake requests allowed per client address per minute; 0 turns the limiter off.</summary>
    public int PerMinute { get; set; } = 10;

    /// <summary>
    /// Twilio webhook requests refused for their signature allowed per client address per minute; past it,
    /// further refused signatures are answered 429 and not logged; 0 turns it off. A validly signed request is
    /// never counted or refused by it (Twilio's addresses also carry other accounts' wrongly signed requests).
    /// </summary>
    public int RefusalsPerMinute { get; set; } = 10;

    /// <summary>
    /// Intake requests allowed per minute from all addresses together; 0 turns it off. Far above a hotline's
    /// real load (a busy one takes dozens of reports a day), it stops a distributed flood from paging
    /// responders without end: past it, tipsters are asked to retry in a minute.
    /// </summary>
    public int GlobalPerMinute { get; set; } = 300;
}

/// <summary>Checks the settings the intake needs, naming each bad one the way an operator sets it.</summary>
public sealed class HotlineOptionsValidator : IValidateOptions<HotlineOptions>
{
    public ValidateOptionsResult Validate(string? name, HotlineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.PublicKeyPem) && string.IsNullOrWhiteSpace(options.PublicKeyPath))
        {
            failures.Add("Hotline__PublicKeyPath (or Hotline__PublicKeyPem) is not set: the app needs the hotline's RSA public key to encrypt reports ('hotline keys init' makes a pair).");
        }
        else if (string.IsNullOrWhiteSpace(options.PublicKeyPem) && !File.Exists(options.PublicKeyPath))
        {
            failures.Add($"Hotline__PublicKeyPath: no file at '{options.PublicKeyPath}'.");
        }
        else
        {
            var setting = string.IsNullOrWhiteSpace(options.PublicKeyPem) ? "Hotline__PublicKeyPath" : "Hotline__PublicKeyPem";
            try
            {
                using var key = RsaKeyEncryptionKey.FromPublicKeyPem(options.ReadPublicKeyPem());
            }
            catch (CryptographicException ex)
            {
                failures.Add($"{setting}: {ex.Message}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.PhonePepper) || options.PhonePepper.Length < 16)
        {
            failures.Add("Hotline__PhonePepper is not set or shorter than 16 characters: it keys the phone-number pseudonyms (use 32 random bytes, base64).");
        }

        if (options.KeyVaultUri is { } vault && (!vault.IsAbsoluteUri || vault.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Hotline__KeyVaultUri is not an https URI.");
        }

        if (options.RateLimit.PerMinute < 0)
        {
            failures.Add("Hotline__RateLimit__PerMinute must be 0 (off) or more.");
        }

        if (options.RateLimit.GlobalPerMinute < 0)
        {
            failures.Add("Hotline__RateLimit__GlobalPerMinute must be 0 (off) or more.");
        }

        if (options.RateLimit.RefusalsPerMinute < 0)
        {
            failures.Add("Hotline__RateLimit__RefusalsPerMinute must be 0 (off) or more.");
        }

        if (options.ConversationWindow <= TimeSpan.Zero || options.ConversationWindow > TimeSpan.FromDays(30))
        {
            failures.Add("Hotline__ConversationWindow must be a duration between 00:00:01 and 30.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
