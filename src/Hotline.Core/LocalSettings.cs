using System.Text.Json;

namespace Hotline;

/// <summary>
/// <c>local.settings.json</c>, the Functions tooling's file of local app settings: its <c>Values</c> are what the app
/// (standalone, and under Core Tools) and the responder tool read as settings, so a local run needs no flags. One
/// reader for both, so they never disagree on what the file says.
/// </summary>
public static class LocalSettings
{
    public const string FileName = "local.settings.json";

    /// <summary>
    /// The file's <c>Values</c> as configuration keys (<c>__</c> becomes <c>:</c>, as for environment variables); a value
    /// that is not a string is taken as its JSON text. Empty when the file does not exist or holds no <c>Values</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON (the message names the line, not the content).</exception>
    public static Dictionary<string, string?> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        using var doc = ParseJsonFile(path);
        if (doc.RootElement.ValueKind == JsonValueKind.Object
            && doc.RootElement.TryGetProperty("Values", out var settings)
            && settings.ValueKind == JsonValueKind.Object)
        {
            foreach (var setting in settings.EnumerateObject())
            {
                // Values are environment variables to the Functions host: "__" separates sections.
                values[Key(setting.Name)] = setting.Value.ValueKind == JsonValueKind.String ? setting.Value.GetString() : setting.Value.GetRawText();
            }
        }

        return values;
    }

    /// <summary>A setting's name as an environment variable writes it (<c>Hotline__PublicKeyPath</c>) as a configuration key.</summary>
    public static string Key(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Replace("__", ":", StringComparison.Ordinal);
    }

    /// <summary>A settings file as the Functions tooling reads it (comments and trailing commas allowed).</summary>
    /// <exception cref="InvalidDataException">Not valid JSON.</exception>
    public static JsonDocument ParseJsonFile(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path.GetFileName(path)} is not valid JSON (line {ex.LineNumber + 1}).", ex);
        }
    }
}
