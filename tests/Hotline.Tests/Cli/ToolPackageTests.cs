using System.Diagnostics;
using Hotline.Encryption;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Cli;

/// <summary>
/// `hotline` as responders get it: packed as a .NET tool, installed from the local package, and run as a
/// program; its passphrase prompt answered at a real terminal (tmux), as a person would.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class ToolPackageTests(ToolPackageTests.InstalledTool tool) : IClassFixture<ToolPackageTests.InstalledTool>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HotlineTool_PackedAndInstalled_RunsAndFailsWithOneLine()
    {
        var help = await tool.RunAsync(["--help"]);
        Assert.Equal(0, help.Exit);
        Assert.Contains("keys", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("tips", help.Stdout, StringComparison.Ordinal);

        var usage = await tool.RunAsync(["tips", "frobnicate"]);
        Assert.Equal(2, usage.Exit);

        var error = await tool.RunAsync(["tips", "status", "K7QF-2M9X-4TJD", "closed", "--storage", "not a connection string"]);
        Assert.Equal(1, error.Exit);
        Assert.StartsWith("hotline: ", Assert.Single(error.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysInit_InATerminal_AsksForThePassphraseTwiceAndNeverShowsIt()
    {
        const string Passphrase = "typed at the prompt 7741";
        var dir = Directory.CreateTempSubdirectory("hotline-tty-");
        var socket = "hotline-test-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            await Tmux(socket, "new-session", "-d", "-x", "160", "-y", "40", $"'{tool.Executable}' keys init --dir '{dir.FullName}'; echo EXIT=$?; sleep 60");
            await WaitForScreenAsync(socket, "New passphrase");
            await Tmux(socket, "send-keys", "-l", Passphrase);
            await Tmux(socket, "send-keys", "Enter");
            await WaitForScreenAsync(socket, "same passphrase again");
            await Tmux(socket, "send-keys", "-l", Passphrase);
            await Tmux(socket, "send-keys", "Enter");
            var screen = await WaitForScreenAsync(socket, "EXIT=");

            Assert.Contains("EXIT=0", screen, StringComparison.Ordinal);
            Assert.DoesNotContain(Passphrase, screen, StringComparison.Ordinal);
            var pem = await File.ReadAllTextAsync(Path.Combine(dir.FullName, "hotline-private.pem"), Ct);
            using var key = RsaKeyEncryptionKey.FromPrivateKeyPem(pem, Passphrase);
            Assert.Contains(key.KeyId, screen, StringComparison.Ordinal);
        }
        finally
        {
            await Tmux(socket, "kill-server");
            dir.Delete(recursive: true);
        }
    }

    private static async Task<string> WaitForScreenAsync(string socket, string text)
    {
        var screen = string.Empty;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100, Ct))
        {
            screen = await Tmux(socket, "capture-pane", "-p");
            if (screen.Contains(text, StringComparison.Ordinal))
            {
                return screen;
            }
        }

        throw new TimeoutException($"'{text}' never appeared; the terminal shows:\n{screen}");
    }

    private static async Task<string> Tmux(string socket, params string[] args)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return stdout;
    }

    /// <summary>Packs src/Hotline.Cli once and installs it into a tool path of its own.</summary>
    public sealed class InstalledTool : IAsyncLifetime
    {
        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hotline-tool-");

        public string Executable => Path.Combine(_root.FullName, "bin", "hotline");

        public async ValueTask InitializeAsync()
        {
            var packages = Path.Combine(_root.FullName, "packages");
            await DotnetAsync("pack", Path.Combine("src", "Hotline.Cli", "Hotline.Cli.csproj"), "-c", "Release", "-o", packages, "--artifacts-path", Path.Combine(_root.FullName, "artifacts"), "--nologo");
            await DotnetAsync("tool", "install", "Hotline.Cli", "--tool-path", Path.Combine(_root.FullName, "bin"), "--add-source", packages);
        }

        public ValueTask DisposeAsync()
        {
            _root.Delete(recursive: true);
            return ValueTask.CompletedTask;
        }

        public async Task<CliRun> RunAsync(string[] args)
        {
            var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = _root.FullName };
            foreach (var arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            start.Environment.Remove("AzureWebJobsStorage");
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            await process.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromMinutes(1), Ct);
            return new CliRun(process.ExitCode, await stdout, await stderr);
        }

        private static Task<string> DotnetAsync(params string[] args) => ChildProcess.RunAsync("dotnet", args, TimeSpan.FromMinutes(5));
    }
}
