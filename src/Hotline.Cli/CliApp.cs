using System.CommandLine;
using System.Security.Cryptography;
using Azure;
using Hotline.Cases;
using Hotline.Cli.Audit;
using Hotline.Cli.Keys;
using Hotline.Cli.Tips;

namespace Hotline.Cli;

/// <summary>
/// <c>hotline</c>, the responders' tool. Exit codes: 0 done, 1 an error (one readable line: a wrong
/// key or passphrase, an unknown receipt, storage down; never a stack trace), 2 a usage error.
/// </summary>
public static class CliApp
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, CliHost.FromProcess(), terminal: !Console.IsOutputRedirected);

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CliHost host, bool terminal = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(host);
        var context = new CliContext(host, stdout, stderr, terminal);
        var storage = new Option<string>("--storage")
        {
            Description = "Storage: a connection string, or an account URL (signed in with DefaultAzureCredential). Default: AzureWebJobsStorage",
            Recursive = true,
        };
        var root = new RootCommand("Hotline responders' tool: read, answer and manage reports.") { storage };
        root.Subcommands.Add(KeysCommands.Create(context));
        root.Subcommands.Add(TipsCommands.Create(context));
        root.Subcommands.Add(AuditCommands.Create(context));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One line: the parser lays some messages out over several.
            var message = System.Text.RegularExpressions.Regex.Replace(parsed.Errors[0].Message, @"\s+", " ").Trim();
            context.Error(message + " (hotline --help shows the commands)");
            return 2;
        }

        context.StorageFlag = parsed.GetValue(storage);
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (Exception ex) when (OneLine(ex) is { } line)
        {
            // A message may name a blob, and blob names are whatever a writer to storage chose.
            context.Error(Tips.TerminalText.Line(line));
            return 1;
        }
    }

    /// <summary>What a responder is told about a failure, in one line; null for a bug (which should crash loudly).</summary>
    private static string? OneLine(Exception ex) => ex switch
    {
        CliException or CaseException => ex.Message,
        CryptographicException => ex.Message,
        Azure.Identity.AuthenticationFailedException => "could not sign in to Azure for storage (DefaultAzureCredential): sign in with 'az login', or run where a managed identity is available.",
        RequestFailedException r when r.Status == 403 => "storage refused access (403): check the storage setting and your role on the account.",
        RequestFailedException r => $"storage answered {r.Status} ({r.ErrorCode ?? "no code"}).",
        AggregateException { InnerException: RequestFailedException } => "storage could not be reached; check the storage setting and that the account is up.",
        HttpRequestException => "storage could not be reached; check the storage setting and that the account is up.",
        IOException or UnauthorizedAccessException => ex.Message,
        OperationCanceledException => "cancelled.",
        _ => null,
    };
}
