using Azure.Identity;
using Azure.Security.KeyVault.Secrets;

namespace Hotline.Functions.Hosting;

/// <summary>
/// When <c>Hotline__KeyVaultUri</c> is set, secrets come from that Key Vault: each enabled secret
/// becomes a setting, its name's <c>--</c> read as a section separator (<c>Hotline--PhonePepper</c>,
/// <c>Twilio--AuthToken</c>), as the ASP.NET Core Key Vault provider does. Loaded once at start-up
/// with the app's identity (DefaultAzureCredential; <c>AZURE_CLIENT_ID</c> picks a user-assigned one).
/// </summary>
internal sealed class KeyVaultConfigurationSource(Uri vaultUri) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(vaultUri);

    public static void AddIfConfigured(IConfigurationManager configuration)
    {
        var setting = configuration["Hotline:KeyVaultUri"];
        if (string.IsNullOrWhiteSpace(setting))
        {
            return;
        }

        if (!Uri.TryCreate(setting, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new StartupException("Hotline__KeyVaultUri is not an https URI.");
        }

        ((IConfigurationBuilder)configuration).Add(new KeyVaultConfigurationSource(uri));
    }

    private sealed class Provider(Uri vaultUri) : ConfigurationProvider
    {
        public override void Load()
        {
            var client = new SecretClient(vaultUri, new DefaultAzureCredential());
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            try
            {
                foreach (var properties in client.GetPropertiesOfSecrets())
                {
                    if (properties.Enabled == false)
                    {
                        continue;
                    }

                    var secret = client.GetSecret(properties.Name).Value;
                    data[properties.Name.Replace("--", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal)] = secret.Value;
                }
            }
            catch (Exception ex) when (IsVaultFailure(ex))
            {
                throw new StartupException($"Hotline__KeyVaultUri: the secrets could not be read ({Cause(ex).GetType().Name}); check the vault URI, that the vault is reachable, and the app identity's 'Key Vault Secrets User' role.", ex);
            }

            Data = data;
        }

        // The SDK's retry policy gives up with an AggregateException of the attempts' failures (e.g. a vault that does not resolve);
        // an endpoint whose authentication challenge names another domain than the URI fails with InvalidOperationException.
        private static bool IsVaultFailure(Exception ex) =>
            ex is Azure.RequestFailedException or AuthenticationFailedException or InvalidOperationException
            || (ex is AggregateException aggregate && aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsVaultFailure));

        private static Exception Cause(Exception ex) => ex is AggregateException aggregate ? Cause(aggregate.InnerExceptions[0]) : ex;
    }
}
