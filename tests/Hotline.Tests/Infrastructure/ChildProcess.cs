using System.Diagnostics;

namespace Hotline.Tests.Infrastructure;

/// <summary>Runs a program (dotnet, the Bicep CLI) from the repository root, as a nested build must be run.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="fileName"/> to its end and returns its stdout; fails with all its output when it does not exit 0.</summary>
    public static async Task<string> RunAsync(string fileName, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The test runner's own MSBuild settings must not steer a nested restore, build or pack.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
        {
            start.Environment.Remove(key);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', start.ArgumentList)} failed:\n{await stdout}{await stderr}");
        }

        return await stdout;
    }
}
