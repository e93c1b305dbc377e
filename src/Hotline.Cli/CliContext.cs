using Spectre.Console;

namespace Hotline.Cli;

/// <summary>One run of the tool: its settings, its host, and where it writes (plain lines and Spectre renderables).</summary>
internal sealed class CliContext
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private CliSettings? _settings;

    public CliContext(CliHost host, TextWriter stdout, TextWriter stderr, bool terminal)
    {
        Host = host;
        _stdout = stdout;
        _stderr = stderr;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            Console.Profile.Width = 200;
        }
    }

    public CliHost Host { get; }

    public IAnsiConsole Console { get; }

    /// <summary>The --storage flag of this run, set by the parser before any command runs.</summary>
    public string? StorageFlag { get; set; }

    public CliSettings Settings => _settings ??= CliSettings.Load(Host, StorageFlag);

    public void Out(string line) => _stdout.WriteLine(line);

    public void Error(string line) => _stderr.WriteLine("hotline: " + line);

    /// <summary>A path as given, relative to the working directory.</summary>
    public string Path(string path) => System.IO.Path.GetFullPath(path, Host.WorkingDirectory);

    /// <summary>True when a person typed <paramref name="expected"/> (or --yes said so already).</summary>
    public bool Confirm(string question, string expected, bool yes)
    {
        if (yes)
        {
            return true;
        }

        var answer = Host.Ask($"{question} Type '{expected}' to go on:", false)
            ?? throw new CliException("this needs a confirmation: run in a terminal, or pass --yes.");
        return string.Equals(answer.Trim(), expected, StringComparison.Ordinal);
    }
}
