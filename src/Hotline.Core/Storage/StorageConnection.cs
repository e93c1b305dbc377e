using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Hotline.Storage;

/// <summary>
/// Where storage lives and how to authenticate, read from the Functions-standard
/// <c>AzureWebJobsStorage</c> setting: either a connection string, or the identity-based
/// form <c>AzureWebJobsStorage__accountName</c> / <c>__blobServiceUri</c> / <c>__queueServiceUri</c>
/// (with optional <c>__credential=managedidentity</c> and <c>__clientId</c>).
/// </summary>
public sealed class StorageConnection
{
    public const string SettingName = "AzureWebJobsStorage";

    private StorageConnection(string? connectionString, Uri? blobServiceUri, Uri? queueServiceUri, TokenCredential? credential)
    {
        ConnectionString = connectionString;
        BlobServiceUri = blobServiceUri;
        QueueServiceUri = queueServiceUri;
        Credential = credential;
    }

    /// <summary>The connection string, when the connection is key- or emulator-based.</summary>
    public string? ConnectionString { get; }

    public Uri? BlobServiceUri { get; }

    public Uri? QueueServiceUri { get; }

    /// <summary>The Entra ID credential, when the connection is identity-based.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>Reads the connection from configuration, or explains which setting is missing or malformed.</summary>
    public static bool TryCreate(IConfiguration configuration, out StorageConnection? connection, out string? error)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        connection = null;
        error = null;

        var section = configuration.GetSection(SettingName);
        var connectionString = section.Value;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            if (!LooksLikeConnectionString(connectionString) || !SdkCanRead(connectionString.Trim()))
            {
                error = $"{SettingName} is not a storage connection string (expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net').";
                return false;
            }

            connection = new StorageConnection(connectionString.Trim(), null, null, null);
            return true;
        }

        var accountName = section["accountName"];
        var blobUri = section["blobServiceUri"];
        var queueUri = section["queueServiceUri"];
        if (string.IsNullOrWhiteSpace(accountName) && string.IsNullOrWhiteSpace(blobUri) && string.IsNullOrWhiteSpace(queueUri))
        {
            error = $"{SettingName} is not set: set it to a connection string ('UseDevelopmentStorage=true' for Azurite) or set {SettingName}__accountName for identity-based access.";
            return false;
        }

        Uri? blob = null, queue = null;
        if (!string.IsNullOrWhiteSpace(accountName))
        {
            if (!IsValidAccountName(accountName))
            {
                error = $"{SettingName}__accountName is not a valid storage account name (3-24 lowercase letters and digits).";
                return false;
            }

            blob = new Uri($"https://{accountName}.blob.core.windows.net");
            queue = new Uri($"https://{accountName}.queue.core.windows.net");
        }

        if (!string.IsNullOrWhiteSpace(blobUri) && !TryParseServiceUri(blobUri, out blob))
        {
            error = $"{SettingName}__blobServiceUri is not an absolute http(s) URI.";
            return false;
        }

        if (!string.IsNullOrWhiteSpace(queueUri) && !TryParseServiceUri(queueUri, out queue))
        {
            error = $"{SettingName}__queueServiceUri is not an absolute http(s) URI.";
            return false;
        }

        if (blob is null || queue is null)
        {
            error = $"{SettingName}: identity-based access needs both a blob and a queue endpoint: set {SettingName}__accountName, or both __blobServiceUri and __queueServiceUri.";
            return false;
        }

        connection = new StorageConnection(null, blob, queue, CreateCredential(section));
        return true;
    }

    private static TokenCredential CreateCredential(IConfigurationSection section)
    {
        // The Functions convention: __credential=managedidentity with an optional __clientId picks a
        // user-assigned identity; otherwise DefaultAzureCredential covers developers' az/VS logins too.
        var clientId = section["clientId"];
        if (string.Equals(section["credential"], "managedidentity", StringComparison.OrdinalIgnoreCase))
        {
            return string.IsNullOrWhiteSpace(clientId)
                ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
        }

        return new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(clientId) ? null : clientId,
        });
    }

    private static bool LooksLikeConnectionString(string value) =>
        value.Contains('=', StringComparison.Ordinal)
        && (value.Contains("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase)
            || value.Contains("AccountName", StringComparison.OrdinalIgnoreCase)
            || value.Contains("BlobEndpoint", StringComparison.OrdinalIgnoreCase)
            || value.Contains("SharedAccessSignature", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether the SDK accepts the connection string (it checks more than the shape above, e.g. that an
    /// account name comes with a key or endpoints). Its exceptions may quote the string, which holds the
    /// account key: they are dropped, never shown.
    /// </summary>
    private static bool SdkCanRead(string connectionString)
    {
        try
        {
            _ = new BlobServiceClient(connectionString);
            _ = new QueueServiceClient(connectionString);
            return true;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException or UriFormatException)
        {
            return false;
        }
    }

    private static bool IsValidAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));

    private static bool TryParseServiceUri(string value, out Uri? uri) =>
        Uri.TryCreate(value, UriKind.Absolute, out uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
