using System.Text.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Hotline.Functions.Hosting;

/// <summary>
/// Reads configuration the way the Functions tooling does, so one set of files serves both modes:
/// <c>local.settings.json</c> <c>Values</c> (as app settings), and <c>host.json</c> under the
/// <c>AzureFunctionsJobHost</c> prefix (which app settings such as
/// <c>AzureFunctionsJobHost__extensions__queues__maxDequeueCount</c> override, as in Azure).
/// </summary>
internal static class FunctionsConfiguration
{
    public const string HostJsonFileName = "host.json";
    public const string JobHostPrefix = "AzureFunctionsJobHost";

    /// <summary>
    /// Adds host.json and local.settings.json beneath the environment and command line, so a value
    /// set in the environment wins over the files, as it does under Core Tools and in Azure.
    /// </summary>
    public static void AddFunctionsFiles(this IConfigurationManager configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var hostJson = Path.Combine(AppContext.BaseDirectory, HostJsonFileName);
        var localSettings = Path.Combine(contentRoot, LocalSettings.FileName);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        try
        {
            if (File.Exists(hostJson))
            {
                using var doc = LocalSettings.ParseJsonFile(hostJson);
                Flatten(doc.RootElement, JobHostPrefix, values);
            }

            foreach (var (key, value) in LocalSettings.Read(localSettings))
            {
                values[key] = value;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new StartupException(ex.Message, ex);
        }

        // Lowest precedence: insert before the environment variables and command line the builder already added.
        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = values });
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix + ConfigurationPath.KeyDelimiter + property.Name, values);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, prefix + ConfigurationPath.KeyDelimiter + i++, values);
                }

                break;
            case JsonValueKind.String:
                values[prefix] = element.GetString();
                break;
            case JsonValueKind.Null:
                values[prefix] = null;
                break;
            default:
                values[prefix] = element.GetRawText();
                break;
        }
    }
}
