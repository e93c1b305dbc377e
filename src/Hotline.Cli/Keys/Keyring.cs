using System.Security.Cryptography;
using Hotline.Encryption;

namespace Hotline.Cli.Keys;

/// <summary>
/// The responders' private keys. The current key is <c>hotline-private.pem</c> (or the file
/// <c>Hotline__PrivateKeyPath</c> / <c>--key</c> names); <c>hotline keys rotate</c> keeps each earlier
/// one beside it as <c>hotline-private-{key id}.pem</c>. All of them are loaded, and the key id in each
/// report's envelope picks the one that opens it, so reports written before a rotation stay readable.
/// </summary>
internal static class Keyring
{
    public const string PrivateFileName = "hotline-private.pem";
    public const string PublicFileName = "hotline-public.pem";

    public static string DefaultDirectory => Path.Combine(".local", "keys");

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
            var pem = File.ReadAllText(file);
            if (HotlineKeys.IsEncrypted(pem))
            {
                passphrase ??= settings.Passphrase(confirm: false)
                    ?? throw new CliException($"{file} is protected by a passphrase: run in a terminal to be asked, or set {CliSettings.PassphraseVariable}.");
            }

            try
            {
                keys.Add(RsaKeyEncryptionKey.FromPrivateKeyPem(pem, passphrase));
            }
            catch (CryptographicException ex)
            {
                throw new CliException($"{file}: {ex.Message}", ex);
            }
        }

        return keys;
    }

    /// <summary>Writes a private key readable by its owner only, from the first byte.</summary>
    public static void WritePrivate(string path, string pem)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(pem);
    }
}
