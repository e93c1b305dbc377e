using Hotline.Encryption;

namespace Hotline.Cli;

/// <summary>The responders' command-line tool. Today: key management; reading reports comes next.</summary>
public static class CliApp
{
    private const string Usage = """
        hotline keys init [--dir DIR] [--force]   make an RSA-3072 key pair (default dir .local/keys)
        hotline keys public [--dir DIR]           write the public key of DIR's private key again (never touches the private key)
        hotline keys id --public FILE              print the key id of a public key
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        try
        {
            return args switch
            {
                ["keys", "init", .. var rest] => await KeysInitAsync(Option(rest, "--dir") ?? Path.Combine(".local", "keys"), rest.Contains("--force"), stdout, stderr),
                ["keys", "public", .. var rest] => await KeysPublicAsync(Option(rest, "--dir") ?? Path.Combine(".local", "keys"), stdout, stderr),
                ["keys", "id", "--public", var file] => await KeysIdAsync(file, stdout),
                _ => await WriteUsageAsync(stderr),
            };
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            await stderr.WriteLineAsync("hotline: " + ex.Message);
            return 1;
        }
    }

    public static string PrivateKeyFile(string dir) => Path.Combine(dir, "hotline-private.pem");

    public static string PublicKeyFile(string dir) => Path.Combine(dir, "hotline-public.pem");

    private static async Task<int> KeysInitAsync(string dir, bool force, TextWriter stdout, TextWriter stderr)
    {
        var privatePath = PrivateKeyFile(dir);
        var publicPath = PublicKeyFile(dir);
        if (File.Exists(privatePath) && !force)
        {
            await stderr.WriteLineAsync($"hotline: {privatePath} exists; keeping it (use --force to replace it, which makes existing reports unreadable).");
            return 0;
        }

        Directory.CreateDirectory(dir);
        var (privatePem, publicPem, keyId) = HotlineKeys.Generate();
        await WritePrivateAsync(privatePath, privatePem);
        await File.WriteAllTextAsync(publicPath, publicPem);
        await stdout.WriteLineAsync($"key id:      {keyId}");
        await stdout.WriteLineAsync($"public key:  {Path.GetFullPath(publicPath)}  (give to the intake app: Hotline__PublicKeyPath)");
        await stdout.WriteLineAsync($"private key: {Path.GetFullPath(privatePath)}  (responders only: Hotline__PrivateKeyPath)");
        return 0;
    }

    /// <summary>
    /// The public key is derived from the private one, so a lost public PEM can be made again without
    /// a new pair (a new pair would make every stored report unreadable).
    /// </summary>
    private static async Task<int> KeysPublicAsync(string dir, TextWriter stdout, TextWriter stderr)
    {
        var privatePath = PrivateKeyFile(dir);
        if (!File.Exists(privatePath))
        {
            await stderr.WriteLineAsync($"hotline: no private key at {privatePath}; 'hotline keys init' makes a pair.");
            return 1;
        }

        using var key = RsaKeyEncryptionKey.FromPrivateKeyPem(await File.ReadAllTextAsync(privatePath));
        var publicPath = PublicKeyFile(dir);
        await File.WriteAllTextAsync(publicPath, key.PublicKeyPem);
        await stdout.WriteLineAsync($"key id:      {key.KeyId}");
        await stdout.WriteLineAsync($"public key:  {Path.GetFullPath(publicPath)}  (made from {Path.GetFullPath(privatePath)}, which is unchanged)");
        return 0;
    }

    private static async Task<int> KeysIdAsync(string file, TextWriter stdout)
    {
        using var key = RsaKeyEncryptionKey.FromPublicKeyPem(await File.ReadAllTextAsync(file));
        await stdout.WriteLineAsync(key.KeyId);
        return 0;
    }

    private static async Task WritePrivateAsync(string path, string pem)
    {
        // Owner-only from the first byte: never a moment where the private key is world-readable.
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(pem);
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static async Task<int> WriteUsageAsync(TextWriter stderr)
    {
        await stderr.WriteLineAsync(Usage);
        return 64;
    }
}
