using System.Diagnostics;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Hosting;

/// <summary>.ci/run, run against a stand-in for scripts/test.sh that reports the environment it was given.</summary>
public sealed class CiScriptTests
{
    [Fact]
    public async Task CiRun_CallsTheTestScriptWithCiSet_SoRestoreRunsInLockedMode()
    {
        // Directory.Build.props turns RestoreLockedMode on when CI=true: .ci/run must set it itself.
        var root = Directory.CreateTempSubdirectory("hotline-ci-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, ".ci"));
            Directory.CreateDirectory(Path.Combine(root.FullName, "scripts"));
            File.Copy(Path.Combine(RepoPaths.Root, ".ci", "run"), Path.Combine(root.FullName, ".ci", "run"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "scripts", "test.sh"), "echo \"CI=${CI:-unset}\"\n", TestContext.Current.CancellationToken);
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
            start.ArgumentList.Add(Path.Combine(root.FullName, ".ci", "run"));
            start.Environment.Remove("CI");

            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.Equal(0, process.ExitCode);
            Assert.Equal("CI=true", output.Trim());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
