using System.CommandLine;
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
        var command = new Command("init", "Make an RSA-3072 pair; the private key is protected by a passphrase.") { dir, force, unprotected };
        command.SetAction((result, _) =>
        {
            var folder = context.Path(result.GetValue(dir)!);
            var privatePath = Path.Combine(folder, Keyring.PrivateFileName);
            if (File.Exists(privatePath) && !result.GetValue(force))
            {
                context.Error($"{privatePath} exists; keeping it (--force replaces it, which makes existing reports unreadable; 'hotline keys rotate' keeps them readable).");
                return Task.FromResult(0);
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
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Rotate(CliContext context)
    {
        var dir = DirOption();
        var unprotected = new Option<bool>("--unprotected") { Description = "Write the new private key without a passphrase (development keys only)" };
        var command = new Command("rotate", "Make a new pair; the old private key stays in the folder so old reports stay readable.") { dir, unprotected };
        command.SetAction((result, _) =>
        {
            var folder = context.Path(result.GetValue(dir)!);
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
            return Task.FromResult(0);
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

    private static string WritePair(CliContext context, string folder, bool unprotected)
    {
        string privatePem, publicPem, keyId;
        if (unprotected)
        {
            (privatePem, publicPem, keyId) = HotlineKeys.Generate();
        }
        else
        {
            var passphrase = context.Settings.Passphrase(confirm: true)
                ?? throw new CliException($"no passphrase: run in a terminal to be asked, set {CliSettings.PassphraseVariable}, or pass --unprotected for a development key.");
            (privatePem, publicPem, keyId) = HotlineKeys.Generate(passphrase);
        }

        Keyring.WritePrivate(Path.Combine(folder, Keyring.PrivateFileName), privatePem);
        File.WriteAllText(Path.Combine(folder, Keyring.PublicFileName), publicPem);
        return keyId;
    }
}
