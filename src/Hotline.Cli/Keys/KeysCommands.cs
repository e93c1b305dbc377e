using System.CommandLine;
using Azure.Security.KeyVault.Secrets;
using Hotline.Encryption;

namespace Hotline.Cli.Keys;

/// <summary><c>hotline keys ...</c>: make, rotate and inspect the responders' key pair.</summary>
internal static class KeysCommands
{
    public static Command Create(CliContext context)
    {
        var keys = new Command("keys", "The responders' key pair: the public half goes to the intake app, the private half never leaves responders.");
        keys.Subcommands.Add(Init(context));
        keys.Subcommands.Add(Rotate(context));
        keys.Subcommands.Add(Public(context));
        keys.Subcommands.Add(Id(context));
        return keys;
    }

    private static Option<string> DirOption() => new("--dir")
    {
        Description = "Key folder (default .local/keys)",
        DefaultValueFactory = _ => Keyring.DefaultDirectory,
    };

    private static Command Init(CliContext context)
    {
        var dir = DirOption();
        var force = new Option<bool>("--force") { Description = "Replace an existing pair (reports encrypted to it become unreadable)" };
        var unprotected = new Option<bool>("--unprotected") { Description = "Write the private key without a passphrase (development keys only)" };
        var vault = new Option<string>("--key-vault") { Description = "Store the private key as a secret in this Key Vault instead of a file" };
        var secret = new Option<string>("--secret") { Description = "The secret's name (with --key-vault)" };
        var command = new Command("init", "Make an RSA-3072 pair; the private key is protected by a passphrase.") { dir, force, unprotected, vault, secret };
        command.SetAction(async (result, ct) =>
        {
            var folder = context.Path(result.GetValue(dir)!);
            if (Keyring.VaultOf(context.Settings, result.GetValue(vault), result.GetValue(secret)) is { } where)
            {
                await InVaultAsync(where, () => InitInVaultAsync(context, where, folder, result.GetValue(unprotected), rotate: false, result.GetValue(force), ct));
                return 0;
            }

            var privatePath = Path.Combine(folder, Keyring.PrivateFileName);
            if (File.Exists(privatePath) && !result.GetValue(force))
            {
                context.Error($"{privatePath} exists; keeping it (--force replaces it, which makes existing reports unreadable; 'hotline keys rotate' keeps them readable).");
                return 0;
            }

            Directory.CreateDirectory(folder);
            if (File.Exists(privatePath))
            {
                File.Delete(privatePath);
            }

            var keyId = WritePair(context, folder, result.GetValue(unprotected));
            context.Out($"key id:      {keyId}");
            context.Out($"public key:  {Path.Combine(folder, Keyring.PublicFileName)}  (give to the intake app: Hotline__PublicKeyPath)");
            context.Out($"private key: {privatePath}  (responders only: Hotline__PrivateKeyPath)");
            return 0;
        });
        return command;
    }

    private static Command Rotate(CliContext context)
    {
        var dir = DirOption();
        var unprotected = new Option<bool>("--unprotected") { Description = "Write the new private key without a passphrase (development keys only)" };
        var vault = new Option<string>("--key-vault") { Description = "The Key Vault that holds the private key as a secret" };
        var secret = new Option<string>("--secret") { Description = "The secret's name (with --key-vault): the new key is its new version" };
        var command = new Command("rotate", "Make a new pair; the old private key stays (in the folder, or as an older secret version) so old reports stay readable.") { dir, unprotected, vault, secret };
        command.SetAction(async (result, ct) =>
        {
            var folder = context.Path(result.GetValue(dir)!);
            if (Keyring.VaultOf(context.Settings, result.GetValue(vault), result.GetValue(secret)) is { } where)
            {
                await InVaultAsync(where, () => InitInVaultAsync(context, where, folder, result.GetValue(unprotected), rotate: true, force: false, ct));
                return 0;
            }

            var privatePath = Path.Combine(folder, Keyring.PrivateFileName);
            if (!File.Exists(privatePath))
            {
                throw new CliException($"no private key at {privatePath}: 'hotline keys init' makes the first pair.");
            }

            // The old key's id, from its public half (no passphrase needed).
            using var old = RsaKeyEncryptionKey.FromPublicKeyPem(File.ReadAllText(Path.Combine(folder, Keyring.PublicFileName)));
            var retired = Path.Combine(folder, $"hotline-private-{old.KeyId}.pem");
            File.Move(privatePath, retired);
            string keyId;
            try
            {
                keyId = WritePair(context, folder, result.GetValue(unprotected));
            }
            catch
            {
                File.Move(retired, privatePath);
                throw;
            }

            context.Out($"new key id:  {keyId}");
            context.Out($"old key:     {retired}  (kept: reports encrypted to {old.KeyId} stay readable)");
            context.Out($"next: give {Path.Combine(folder, Keyring.PublicFileName)} to the intake app (Hotline__PublicKeyPath or __PublicKeyPem) and restart it.");
            return 0;
        });
        return command;
    }

    private static Command Public(CliContext context)
    {
        var dir = DirOption();
        var command = new Command("public", "Write the public key again from the private one (the private key is not touched).") { dir };
        command.SetAction((result, _) =>
        {
            var folder = context.Path(result.GetValue(dir)!);
            var privatePath = Path.Combine(folder, Keyring.PrivateFileName);
            if (!File.Exists(privatePath))
            {
                throw new CliException($"no private key at {privatePath}; 'hotline keys init' makes a pair.");
            }

            var pem = File.ReadAllText(privatePath);
            var passphrase = HotlineKeys.IsEncrypted(pem) ? context.Settings.Passphrase(confirm: false) : null;
            using var key = RsaKeyEncryptionKey.FromPrivateKeyPem(pem, passphrase);
            var publicPath = Path.Combine(folder, Keyring.PublicFileName);
            File.WriteAllText(publicPath, key.PublicKeyPem);
            context.Out($"key id:      {key.KeyId}");
            context.Out($"public key:  {publicPath}  (made from {privatePath}, which is unchanged)");
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Id(CliContext context)
    {
        var file = new Option<string>("--public") { Description = "A public key PEM", Required = true };
        var command = new Command("id", "Print the key id of a public key.") { file };
        command.SetAction((result, _) =>
        {
            using var key = RsaKeyEncryptionKey.FromPublicKeyPem(File.ReadAllText(context.Path(result.GetValue(file)!)));
            context.Out(key.KeyId);
            return Task.FromResult(0);
        });
        return command;
    }

    private static async Task InVaultAsync((Uri Vault, string Secret) where, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception ex) when (Keyring.VaultFailure(where.Vault, ex) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// A new pair whose private key becomes the secret's value (a new version when rotating: the older
    /// versions stay enabled and keep old reports readable); the public key is written to the folder.
    /// </summary>
    private static async Task InitInVaultAsync(CliContext context, (Uri Vault, string Secret) where, string folder, bool unprotected, bool rotate, bool force, CancellationToken cancellationToken)
    {
        var client = Keyring.Client(where.Vault);
        var exists = false;
        await foreach (var version in client.GetPropertiesOfSecretVersionsAsync(where.Secret, cancellationToken))
        {
            exists |= version.Enabled == true;
        }

        if (exists && !rotate && !force)
        {
            throw new CliException($"the vault already holds {where.Secret}; 'hotline keys rotate --key-vault ... --secret {where.Secret}' adds a new key and keeps the old one.");
        }

        if (!exists && rotate)
        {
            throw new CliException($"the vault holds no {where.Secret} to rotate: 'hotline keys init' makes the first key.");
        }

        var (privatePem, publicPem, keyId) = NewPair(context, unprotected);
        await client.SetSecretAsync(new KeyVaultSecret(where.Secret, privatePem) { Properties = { ContentType = "application/x-pem-file", Tags = { ["hotline-key-id"] = keyId } } }, cancellationToken);
        Directory.CreateDirectory(folder);
        var publicPath = Path.Combine(folder, Keyring.PublicFileName);
        File.WriteAllText(publicPath, publicPem);
        context.Out($"key id:      {keyId}");
        context.Out($"private key: {where.Vault}secrets/{where.Secret}  (a new version; readers need Key Vault Secrets User)");
        context.Out($"public key:  {publicPath}  (give to the intake app: Hotline__PublicKeyPath or __PublicKeyPem{(rotate ? ", then restart it" : string.Empty)})");
    }

    private static (string PrivatePem, string PublicPem, string KeyId) NewPair(CliContext context, bool unprotected)
    {
        if (unprotected)
        {
            return HotlineKeys.Generate();
        }

        var passphrase = context.Settings.Passphrase(confirm: true)
            ?? throw new CliException($"no passphrase: run in a terminal to be asked, set {CliSettings.PassphraseVariable}, or pass --unprotected for a development key.");
        return HotlineKeys.Generate(passphrase);
    }

    private static string WritePair(CliContext context, string folder, bool unprotected)
    {
        var (privatePem, publicPem, keyId) = NewPair(context, unprotected);
        Keyring.WritePrivate(Path.Combine(folder, Keyring.PrivateFileName), privatePem);
        File.WriteAllText(Path.Combine(folder, Keyring.PublicFileName), publicPem);
        return keyId;
    }
}
