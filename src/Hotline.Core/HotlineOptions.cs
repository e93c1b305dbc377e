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
