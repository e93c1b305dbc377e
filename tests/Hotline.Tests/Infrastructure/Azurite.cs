using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// A real Azurite, started as a process on free ports with in-memory storage, the way the Azure
/// SDK's own AzuriteFixture does it: port 0, wait for "successfully listening", kill on dispose.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    private const string AccountName = "devstoreaccount1";

    // Azurite's well-known development key (public, documented; not a secret).
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly SemaphoreSlim NpmLock = new(1, 1);
    private readonly Process _process;
    private readonly string _location;

    private Azurite(Process process, string location, int blobPort, int queuePort)
    {
        _process = process;
        _location = location;
        BlobPort = blobPort;
        QueuePort = queuePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};";

    public static Task<Azurite> StartAsync(CancellationToken cancellationToken = default) => StartAsync("node", cancellationToken);

    /// <summary>Starts Azurite with the given Node.js executable (a name looked up on PATH, or a path).</summary>
    internal static async Task<Azurite> StartAsync(string node, CancellationToken cancellationToken)
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
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
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

        return new Azurite(process, location, blob!.Value, queue!.Value);
    }

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
