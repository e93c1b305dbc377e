using System.Security.Cryptography;
using Hotline.Encryption;
using Microsoft.Extensions.Options;

namespace Hotline;

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

        var limits = options.RateLimit;
        foreach (var (setting, value) in new[] { ("PerMinute", limits.PerMinute), ("NetworkPerMinute", limits.NetworkPerMinute), ("SitePerMinute", limits.SitePerMinute), ("GlobalPerMinute", limits.GlobalPerMinute), ("RefusalsPerMinute", limits.RefusalsPerMinute) })
        {
            if (value < 0)
            {
                failures.Add($"Hotline__RateLimit__{setting} must be 0 (off) or more.");
            }
        }

        if (limits.GlobalPerMinute > 0 && limits.GlobalPerMinute < RateLimitOptions.CeilingFloor(limits))
        {
            failures.Add($"Hotline__RateLimit__GlobalPerMinute is a cost ceiling, not a budget: 0 (off) or at least {RateLimitOptions.CeilingFloor(limits)} (ten networks' budgets), so that real tipsters are not refused because others flood.");
        }

        if (options.ConversationWindow <= TimeSpan.Zero || options.ConversationWindow > TimeSpan.FromDays(30))
        {
            failures.Add("Hotline__ConversationWindow must be a duration between 00:00:01 and 30.00:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
