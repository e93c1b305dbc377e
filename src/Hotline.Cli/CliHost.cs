using System.Collections;
using Spectre.Console;

namespace Hotline.Cli;

/// <summary>
/// What the tool takes from the world: settings (environment, then <c>local.settings.json</c> in the
/// working directory), where it writes, and how it asks a person (passphrases, confirmations). Tests
/// give their own; a real run takes the process's.
/// </summary>
public sealed class CliHost
{
    public required IReadOnlyDictionary<string, string?> Environment { get; init; }

    public required string WorkingDirectory { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Asks a person; null when nobody can be asked (no terminal): the caller then says what to set instead.</summary>
    public Func<string, bool, string?> Ask { get; init; } = (_, _) => null;

    /// <summary>The real process: its environment and directory, prompts on the terminal when there is one.</summary>
    public static CliHost FromProcess() => new()
    {
        Environment = System.Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal),
        WorkingDirectory = Directory.GetCurrentDirectory(),
        Ask = (prompt, secret) =>
        {
            if (Console.IsInputRedirected)
            {
                return null;
            }

            var question = new TextPrompt<string>(Markup.Escape(prompt)).AllowEmpty();
            return AnsiConsole.Prompt(secret ? question.Secret() : question);
        },
    };
}
