using System.Security.Cryptography;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Hotline.Encryption;

namespace Hotline.Cli.Keys;

/// <summary>
/// The responders' private keys. The current key is <c>hotline-private.pem</c> (or the file
/// <c>Hotline__PrivateKeyPath</c> / <c>--key</c> names); <c>hotline keys rotate</c> keeps each earlier
/// one beside it as <c>hotline-private-{key id}.pem</c>. All of them are loaded, and the key id in each
/// report's envelope picks the one that opens it, so reports written before a rotation stay readable.
/// In a Key Vault (<c>--key-vault</c> and <c>--secret</c>), the key is a secret and every enabled version
/// of it is a key of the ring, the newest the current one.
/// </summary>
internal static class Keyring
{
    public const string VaultSetting = "Hotline__PrivateKeyVaultUri";
    public const string SecretSetting = "Hotline__PrivateKeySecretName";
    public const string PrivateFileName = "hotline-private.pem";
    public const string PublicFileName = "hotline-public.pem";

    public static string DefaultDirectory => Path.Combine(".local", "keys");

    /// <summary>Where the key is: a vault and secret when both are given (flags, else settings), else a file.</summary>
    public static (Uri Vault, string Secret)? VaultOf(CliSettings settings, string? vaultFlag, string? secretFlag)
    {
        var vault = vaultFlag ?? settings[VaultSetting];
        var secret = secretFlag ?? settings[SecretSetting];
        if (vault is null && secret is null)
        {
            return null;
        }

        if (vault is null || secret is null || !Uri.TryCreate(vault, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new CliException("a key in Key Vault needs both --key-vault https://<vault>.vault.azure.net and --secret <name>.");
        }

        return (uri, secret);
    }

    public static SecretClient Client(Uri vault) =>
        new(vault, new DefaultAzureCredential(), new SecretClientOptions { Retry = { MaxRetries = 1, NetworkTimeout = TimeSpan.FromSeconds(15) } });

    /// <summary>Every enabled version of the secret, the newest (the current key) first.</summary>
    public static async Task<List<RsaKeyEncryptionKey>> LoadAsync(CliSettings settings, (Uri Vault, string Secret) where, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadVaultAsync(settings, where, cancellationToken);
        }
        catch (Exception ex) when (VaultFailure(where.Vault, ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>A Key Vault that cannot be read, said in one line (never "storage", never a stack trace).</summary>
    public static CliException? VaultFailure(Uri vault, Exception ex) => ex switch
    {
        AuthenticationFailedException => new CliException($"could not sign in to Azure for {vault} (DefaultAzureCredential): sign in with 'az login', or run where a managed identity is available.", ex),
        Azure.RequestFailedException { Status: 403 } => new CliException($"{vault} refused access (403): you need Key Vault Secrets User on it.", ex),
        Azure.RequestFailedException { Status: 404 } => new CliException($"{vault} has no such secret.", ex),
        Azure.RequestFailedException or AggregateException or HttpRequestException => new CliException($"{vault} could not be reached; check the address and your network.", ex),
        _ => null,
    };

    private static async Task<List<RsaKeyEncryptionKey>> ReadVaultAsync(CliSettings settings, (Uri Vault, string Secret) where, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var client = Client(where.Vault);
        var versions = new List<SecretProperties>();
        await foreach (var version in client.GetPropertiesOfSecretVersionsAsync(where.Secret, cancellationToken))
        {
            if (version.Enabled == true)
            {
                versions.Add(version);
            }
        }

        if (versions.Count == 0)
        {
            throw new CliException($"the vault has no enabled version of the secret {where.Secret}.");
        }

        string? passphrase = null;
        var keys = new List<RsaKeyEncryptionKey>();
        foreach (var version in versions.OrderByDescending(v => v.CreatedOn))
        {
            var pem = (await client.GetSecretAsync(where.Secret, version.Version, cancellationToken)).Value.Value;
            keys.Add(Open(settings, pem, $"{where.Secret} (version {version.Version})", ref passphrase));
        }

        return keys;
    }

    /// <summary>The current key first, then the retired ones of its folder.</summary>
    public static List<RsaKeyEncryptionKey> Load(CliSettings settings, string? keyFlag)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var current = keyFlag ?? settings["Hotline__PrivateKeyPath"] ?? Path.Combine(DefaultDirectory, PrivateFileName);
        current = Path.GetFullPath(current, settings.Host.WorkingDirectory);
        if (!File.Exists(current))
        {
            throw new CliException($"no private key at {current}: pass --key or set Hotline__PrivateKeyPath ('hotline keys init' makes a pair).");
        }

        var files = new List<string> { current };
        var folder = Path.GetDirectoryName(current)!;
        files.AddRange(Directory.GetFiles(folder, "hotline-private-*.pem").Order(StringComparer.Ordinal).Where(f => f != current));

        string? passphrase = null;
        var keys = new List<RsaKeyEncryptionKey>();
        foreach (var file in files)
        {
            keys.Add(Open(settings, File.ReadAllText(file), file, ref passphrase));
        }

        return keys;
    }

    private static RsaKeyEncryptionKey Open(CliSettings settings, string pem, string source, ref string? passphrase)
    {
        if (HotlineKeys.IsEncrypted(pem))
        {
            passphrase ??= settings.Passphrase(confirm: false)
                ?? throw new CliException($"{source} is protected by a passphrase: run in a terminal to be asked, or set {CliSettings.PassphraseVariable}.");
        }

        try
        {
            return RsaKeyEncryptionKey.FromPrivateKeyPem(pem, passphrase);
        }
        catch (CryptographicException ex)
        {
            throw new CliException($"{source}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a private key readable by its owner only, from the first byte.</summary>
    public static void WritePrivate(string path, string pem) => WritePrivate(path, System.Text.Encoding.UTF8.GetBytes(pem));

    /// <summary>Writes a new file (never over an existing one) readable and writable by its owner only (0600).</summary>
    public static void WritePrivate(string path, ReadOnlySpan<byte> content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(content);
    }

    /// <summary>Creates a directory only its owner can enter (0700); an existing one is used as it is.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
