using Hotline.Retention;
using Hotline.Storage;
using Microsoft.Extensions.Configuration;

namespace Hotline.Cli;

/// <summary>
/// Settings read the way the app reads them: the environment (<c>Hotline__PrivateKeyPath</c>, ...), then
/// <c>local.settings.json</c>'s <c>Values</c> in the working directory; a flag wins over both. So a local
/// run after <c>./scripts/run-local.sh</c> needs no flags.
/// </summary>
internal sealed class CliSettings
{
    public const string PassphraseVariable = "HOTLINE_KEY_PASSPHRASE";
    private readonly IConfiguration _configuration;

    private CliSettings(IConfiguration configuration, CliHost host)
    {
        _configuration = configuration;
        Host = host;
    }

    public CliHost Host { get; }

    public IConfiguration Configuration => _configuration;

    public static CliSettings Load(CliHost host, string? storageFlag)
    {
        Dictionary<string, string?> values;
        try
        {
            values = LocalSettings.Read(Path.Combine(host.WorkingDirectory, LocalSettings.FileName));
        }
        catch (InvalidDataException ex)
        {
            throw new CliException(ex.Message, ex);
        }

        foreach (var (name, value) in host.Environment)
        {
            if (!string.IsNullOrEmpty(value))
            {
                values[LocalSettings.Key(name)] = value;
            }
        }

        if (!string.IsNullOrWhiteSpace(storageFlag))
        {
            foreach (var name in values.Keys.Where(k => k.StartsWith(StorageConnection.SettingName, StringComparison.OrdinalIgnoreCase)).ToList())
            {
                values.Remove(name);
            }

            if (Uri.TryCreate(storageFlag, UriKind.Absolute, out var url) && url.Scheme is "https" or "http")
            {
                // An account URL: signed in with DefaultAzureCredential (az login, a managed identity).
                values[$"{StorageConnection.SettingName}:blobServiceUri"] = url.GetLeftPart(UriPartial.Authority);
                values[$"{StorageConnection.SettingName}:queueServiceUri"] = url.GetLeftPart(UriPartial.Authority).Replace(".blob.", ".queue.", StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                values[StorageConnection.SettingName] = storageFlag;
            }
        }

        return new CliSettings(new ConfigurationBuilder().AddInMemoryCollection(values).Build(), host);
    }

    public string? this[string name] => _configuration[LocalSettings.Key(name)] is { Length: > 0 } value ? value : null;

    /// <summary>The storage account, or a one-line reason there is none.</summary>
    public HotlineStorage Storage()
    {
        if (!StorageConnection.TryCreate(_configuration, out var connection, out var error))
        {
            throw new CliException(error ?? "no storage: set AzureWebJobsStorage or pass --storage.");
        }

        return new HotlineStorage(connection!, new HotlineStorageOptions { MaxRetries = 2, NetworkTimeout = TimeSpan.FromSeconds(20) });
    }

    /// <summary>
    /// The retention settings (<c>Hotline__Retention__...</c>), which the expiry dates the tool shows are computed
    /// from: the same values as the app's, or the dates differ from what its daily run does.
    /// </summary>
    public RetentionOptions Retention()
    {
        var options = new RetentionOptions();
        try
        {
            _configuration.GetSection(RetentionOptions.SectionName).Bind(options);
        }
        catch (InvalidOperationException)
        {
            throw new CliException("Hotline__Retention__ClosedDays, __InactiveDays and __MaxDays are whole numbers of days.");
        }

        var result = new RetentionOptionsValidator().Validate(null, options);
        return result.Failed ? throw new CliException(result.Failures.First()) : options;
    }

    /// <summary>Who is acting, for the audit log: --as, else Hotline__ResponderName, else the OS user.</summary>
    public string Responder(string? asFlag) =>
        asFlag ?? this["Hotline__ResponderName"] ?? (Host.Environment.TryGetValue("USER", out var user) ? user : null) ?? "unknown";

    /// <summary>A passphrase: HOTLINE_KEY_PASSPHRASE, else asked (once, or twice to confirm a new one).</summary>
    public string? Passphrase(bool confirm)
    {
        if (Host.Environment.TryGetValue(PassphraseVariable, out var set) && !string.IsNullOrEmpty(set))
        {
            return set;
        }

        var first = Host.Ask(confirm ? "New passphrase for the private key:" : "Passphrase for the private key:", true);
        if (first is null || !confirm)
        {
            return first;
        }

        var second = Host.Ask("The same passphrase again:", true);
        return first == second ? first : throw new CliException("the two passphrases differ; nothing was written.");
    }
}

/// <summary>A failure the tool reports as one line (exit 1).</summary>
public sealed class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
