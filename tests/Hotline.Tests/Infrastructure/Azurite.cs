using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// A real Azurite, started as a process on free ports with in-memory storage, the way the Azure
/// SDK's own AzuriteFixture does it: port 0, wait for "successfully listening", kill on dispose.
/// Besides the development account it can hold spare accounts (<c>AZURITE_ACCOUNTS</c>), each a storage account
/// of its own with its own containers and queues: a test class that needs storage no other test touches takes one
/// (<see cref="TakeFreshAccount"/>) instead of starting an Azurite of its own, which costs seconds of CPU.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";

    // Azurite's well-known development key (public, documented; not a secret).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly SemaphoreSlim NpmLock = new(1, 1);
    private readonly Process _process;
    private readonly string _location;
    private readonly ConcurrentQueue<(string Name, string Key)> _spareAccounts;

    private Azurite(Process process, string location, int blobPort, int queuePort, IEnumerable<(string Name, string Key)> spareAccounts)
    {
        _process = process;
        _location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
        _spareAccounts = new(spareAccounts);
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public string ConnectionString => ConnectionStringOf(AccountName, AccountKey);

    public static Task<Azurite> StartAsync(CancellationToken cancellationToken = default) => StartAsync("node", cancellationToken);

    /// <summary>Starts Azurite with the given Node.js executable (a name looked up on PATH, or a path).</summary>
    internal static Task<Azurite> StartAsync(string node, CancellationToken cancellationToken) => StartAsync(node, spareAccounts: 0, cancellationToken);

    /// <summary>Starts Azurite with <paramref name="spareAccounts"/> accounts besides the development one.</summary>
    internal static async Task<Azurite> StartAsync(string node, int spareAccounts, CancellationToken cancellationToken)
    {
        var script = await EnsureInstalledAsync(cancellationToken);
        var location = Directory.CreateTempSubdirectory("hotline-azurite-").FullName;
        var start = new ProcessStartInfo(node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = location,
        };

        // Azurite reads its accounts from the environment when it starts; the development account must be named too.
        var spare = Enumerable.Range(1, spareAccounts)
            .Select(i => ("hotline" + i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(64))))
            .ToList();
        if (spare.Count > 0)
        {
            start.Environment["AZURITE_ACCOUNTS"] = string.Join(';', spare.Prepend((AccountName, AccountKey)).Select(a => a.Item1 + ":" + a.Item2));
        }
        foreach (var arg in new[]
                 {
                     script, "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
                     "--blobHost", "127.0.0.1", "--blobPort", "0", "--queueHost", "127.0.0.1", "--queuePort", "0",
                     "--tableHost", "127.0.0.1", "--tablePort", "0",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"'{node}' did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Directory.Delete(location, recursive: true);
            throw new InvalidOperationException($"Node.js is needed to run Azurite for the tests, and '{node}' could not be started ({ex.Message}): install Node.js 20 or newer (https://nodejs.org), make sure 'node' is on PATH, and run the tests again.", ex);
        }

        int? blob = null, queue = null;
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("Azurite exited: " + string.Join('\n', output)));
                return;
            }

            output.Enqueue(e.Data);
            var m = ListeningLine().Match(e.Data);
            if (m.Success)
            {
                var port = int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (m.Groups["service"].Value == "Blob")
                {
                    blob = port;
                }
                else if (m.Groups["service"].Value == "Queue")
                {
                    queue = port;
                }

                if (blob is not null && queue is not null)
                {
                    ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }
        catch
        {
            Kill(process);
            throw;
        }

        return new Azurite(process, location, blob!.Value, queue!.Value, spare);
    }

    /// <summary>
    /// The connection string of a spare account no one has taken yet: storage of its own, empty, as a new Azurite's
    /// would be; null once every spare account is taken.
    /// </summary>
    public string? TakeFreshAccount() => _spareAccounts.TryDequeue(out var account) ? ConnectionStringOf(account.Name, account.Key) : null;

    private string ConnectionStringOf(string account, string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={account};AccountKey={key};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{account};QueueEndpoint=http://127.0.0.1:{QueuePort}/{account};";

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _process.Dispose();
        try
        {
            Directory.Delete(_location, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Runs <c>npm ci</c> once if Azurite is not installed yet; returns the path of its entry script.</summary>
    private static async Task<string> EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        var script = Path.Combine(RepoPaths.Root, "node_modules", "azurite", "dist", "src", "azurite.js");
        await NpmLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(script))
            {
                return script;
            }

            var npm = new ProcessStartInfo("npm", "ci --no-audit --no-fund") { WorkingDirectory = RepoPaths.Root, UseShellExecute = false };
            Process? process;
            try
            {
                process = Process.Start(npm);
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                throw new InvalidOperationException("Node.js and npm are needed to run Azurite for the tests: install Node.js 20 or newer (https://nodejs.org) and run the tests again.", ex);
            }

            using (process)
            {
                await process!.WaitForExitAsync(cancellationToken);
                if (process.ExitCode != 0 || !File.Exists(script))
                {
                    throw new InvalidOperationException($"'npm ci' failed (exit {process.ExitCode}): Azurite is not installed.");
                }
            }

            return script;
        }
        finally
        {
            NpmLock.Release();
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
