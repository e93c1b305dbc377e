using Hotline.Cli;

namespace Hotline.Tests.Cli;

public sealed class KeysCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("hotline-keys-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task KeysPublic_PublicKeyMissing_RecreatesItFromThePrivateKeyAndLeavesThePrivateKeyAlone()
    {
        Assert.Equal(0, await RunAsync("keys", "init", "--dir", _dir.FullName));
        var publicPath = CliApp.PublicKeyFile(_dir.FullName);
        var privatePath = CliApp.PrivateKeyFile(_dir.FullName);
        var originalPublic = await File.ReadAllTextAsync(publicPath, Ct);
        var originalPrivate = await File.ReadAllBytesAsync(privatePath, Ct);
        var privateWritten = File.GetLastWriteTimeUtc(privatePath);
        File.Delete(publicPath);

        var stdout = new StringWriter();
        Assert.Equal(0, await CliApp.RunAsync(["keys", "public", "--dir", _dir.FullName], stdout, new StringWriter()));

        Assert.Equal(originalPublic, await File.ReadAllTextAsync(publicPath, Ct));
        Assert.Equal(originalPrivate, await File.ReadAllBytesAsync(privatePath, Ct));
        Assert.Equal(privateWritten, File.GetLastWriteTimeUtc(privatePath));
        Assert.Contains("hotline-rsa-", stdout.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysPublic_NoPrivateKey_FailsAndWritesNothing()
    {
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["keys", "public", "--dir", _dir.FullName], new StringWriter(), stderr);

        Assert.Equal(1, exit);
        Assert.Contains("hotline-private.pem", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(_dir.GetFiles());
    }

    private static Task<int> RunAsync(params string[] args) => CliApp.RunAsync(args, new StringWriter(), new StringWriter());
}
