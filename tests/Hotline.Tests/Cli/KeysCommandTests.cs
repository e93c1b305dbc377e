using Hotline.Encryption;

namespace Hotline.Tests.Cli;

public sealed class KeysCommandTests : IDisposable
{
    private const string Passphrase = "correct horse battery staple 42";
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-keys-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string PrivatePath => Path.Combine(_dir.FullName, "hotline-private.pem");

    private string PublicPath => Path.Combine(_dir.FullName, "hotline-public.pem");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task KeysInit_PassphraseFromTheEnvironment_WritesAnEncryptedOwnerOnlyPrivateKey()
    {
        var run = await RunAsync(Env(Passphrase), "keys", "init", "--dir", _dir.FullName);

        Assert.Equal(0, run.Exit);
        var pem = await File.ReadAllTextAsync(PrivatePath, Ct);
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", pem, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PrivatePath));
        }

        using var key = RsaKeyEncryptionKey.FromPrivateKeyPem(pem, Passphrase);
        Assert.Contains($"key id:      {key.KeyId}", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("Hotline__PublicKeyPath", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Passphrase, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysInit_PassphraseAskedTwice_DifferentAnswersWriteNothing()
    {
        var answers = new Queue<string>(["first answer", "second answer"]);

        var run = await CliRun.RunAsync(Env(null), _dir.FullName, ["keys", "init", "--dir", _dir.FullName], (_, secret) => secret ? answers.Dequeue() : null);

        Assert.Equal("hotline: the two passphrases differ; nothing was written.", run.OneErrorLine());
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task KeysInit_NobodyToAskAndNoPassphrase_FailsWithOneLineSayingWhatToSet()
    {
        var run = await RunAsync(Env(null), "keys", "init", "--dir", _dir.FullName);

        Assert.Contains("HOTLINE_KEY_PASSPHRASE", run.OneErrorLine(), StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task KeysInit_Unprotected_WritesAPlainKeyForDevelopment()
    {
        var run = await RunAsync(Env(null), "keys", "init", "--unprotected", "--dir", _dir.FullName);

        Assert.Equal(0, run.Exit);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(PrivatePath, Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysPublic_PublicKeyMissing_RecreatesItFromThePrivateKeyAndLeavesThePrivateKeyAlone()
    {
        Assert.Equal(0, (await RunAsync(Env(Passphrase), "keys", "init", "--dir", _dir.FullName)).Exit);
        var originalPublic = await File.ReadAllTextAsync(PublicPath, Ct);
        var originalPrivate = await File.ReadAllBytesAsync(PrivatePath, Ct);
        var privateWritten = File.GetLastWriteTimeUtc(PrivatePath);
        File.Delete(PublicPath);

        var run = await RunAsync(Env(Passphrase), "keys", "public", "--dir", _dir.FullName);

        Assert.Equal(0, run.Exit);
        Assert.Equal(originalPublic, await File.ReadAllTextAsync(PublicPath, Ct));
        Assert.Equal(originalPrivate, await File.ReadAllBytesAsync(PrivatePath, Ct));
        Assert.Equal(privateWritten, File.GetLastWriteTimeUtc(PrivatePath));
        Assert.Contains("hotline-rsa-", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysPublic_WrongPassphrase_FailsWithOneLine()
    {
        Assert.Equal(0, (await RunAsync(Env(Passphrase), "keys", "init", "--dir", _dir.FullName)).Exit);

        var run = await RunAsync(Env("not it"), "keys", "public", "--dir", _dir.FullName);

        Assert.Equal("hotline: wrong passphrase for the private key.", run.OneErrorLine());
    }

    [Fact]
    public async Task KeysPublic_NoPrivateKey_FailsAndWritesNothing()
    {
        var run = await RunAsync(Env(null), "keys", "public", "--dir", _dir.FullName);

        Assert.Contains("hotline-private.pem", run.OneErrorLine(), StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    [Fact]
    public async Task Cli_UnknownCommandOrMissingArgument_IsAUsageErrorWithExitTwo()
    {
        foreach (var args in new[] { new[] { "keys", "frobnicate" }, ["tips", "show"], ["tips", "status", "K7QF-2M9X-4TJD", "done"] })
        {
            var run = await RunAsync(Env(null), args);

            Assert.True(run.Exit == 2, $"{string.Join(' ', args)}: exit {run.Exit}");
            Assert.StartsWith("hotline: ", Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task KeysAndTips_KeyVaultUnreachableOrHalfGiven_OneLineNamingTheVault()
    {
        // No Key Vault is reachable from here: what a responder sees when theirs is not (the happy path
        // is the same code as a key file once the secret's versions are read; see the README).
        const string Vault = "https://127.0.0.1:1/";
        var init = await RunAsync(Env(Passphrase), "keys", "init", "--key-vault", Vault, "--secret", "hotline-private-key", "--dir", _dir.FullName);
        var show = await RunAsync(Env(Passphrase), "tips", "show", "K7QF-2M9X-4TJD", "--key-vault", Vault, "--secret", "hotline-private-key", "--storage", "UseDevelopmentStorage=true");
        var half = await RunAsync(Env(Passphrase), "tips", "show", "K7QF-2M9X-4TJD", "--key-vault", Vault, "--storage", "UseDevelopmentStorage=true");

        Assert.Equal($"hotline: {Vault} could not be reached; check the address and your network.", init.OneErrorLine());
        Assert.Equal($"hotline: {Vault} could not be reached; check the address and your network.", show.OneErrorLine());
        Assert.Contains("needs both --key-vault", half.OneErrorLine(), StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    private static Dictionary<string, string?> Env(string? passphrase) => new() { ["HOTLINE_KEY_PASSPHRASE"] = passphrase };

    private Task<CliRun> RunAsync(Dictionary<string, string?> environment, params string[] args) => CliRun.RunAsync(environment, _dir.FullName, args);
}
