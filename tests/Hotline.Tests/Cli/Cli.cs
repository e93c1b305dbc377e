using Hotline.Cli;

namespace Hotline.Tests.Cli;

/// <summary>One run of the <c>hotline</c> tool, in process, with its own environment and working directory (never the test process's).</summary>
public sealed record CliRun(int Exit, string Stdout, string Stderr)
{
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string?> environment, string workingDirectory, string[] args, Func<string, bool, string?>? ask = null, TimeProvider? time = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var host = new CliHost { Environment = environment, WorkingDirectory = workingDirectory, Ask = ask ?? ((_, _) => null), Time = time ?? TimeProvider.System };
        var exit = await CliApp.RunAsync(args, stdout, stderr, host, terminal: false, TestContext.Current.CancellationToken);
        return new CliRun(exit, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Exit 1 with exactly one line on stderr, and no stack trace.</summary>
    public string OneErrorLine()
    {
        Assert.True(Exit == 1, $"exit {Exit}: {Stdout}{Stderr}");
        var line = Assert.Single(Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("hotline: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        return line;
    }
}
