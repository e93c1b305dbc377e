namespace Hotline.Functions.Hosting;

/// <summary>
/// Under the Functions host the app is a custom handler: the host sets
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, forwards HTTP, and runs the queue triggers itself.
/// Without it the app runs standalone: it serves HTTP on its own and runs its own queue listeners.
/// </summary>
internal static class HostingMode
{
    public const string CustomHandlerPortSetting = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string DefaultStandaloneUrl = "http://127.0.0.1:7071";

    public static bool IsUnderFunctionsHost(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[CustomHandlerPortSetting]);

    /// <summary>
    /// The Functions convention <c>AzureWebJobs__{Name}__Disabled</c> (<c>true</c>/<c>false</c>, or <c>1</c>/<c>0</c>).
    /// Any other value stops start-up: read as "not disabled", a typo would quietly start a listener.
    /// </summary>
    public static bool IsFunctionDisabled(IConfiguration configuration, string functionName)
    {
        var value = configuration[$"AzureWebJobs:{functionName}:Disabled"]?.Trim();
        if (string.IsNullOrEmpty(value) || value == "0")
        {
            return false;
        }

        if (value == "1")
        {
            return true;
        }

        return bool.TryParse(value, out var disabled)
            ? disabled
            : throw new StartupException($"AzureWebJobs__{functionName}__Disabled is not true or false.");
    }

    public static void ConfigureUrls(WebApplicationBuilder builder)
    {
        var port = builder.Configuration[CustomHandlerPortSetting];
        if (!string.IsNullOrWhiteSpace(port))
        {
            if (!int.TryParse(port, out var p) || p is < 1 or > 65535)
            {
                throw new StartupException($"{CustomHandlerPortSetting} is not a port number.");
            }

            // Only the host talks to a custom handler: listen on loopback, on the port it chose.
            builder.WebHost.UseUrls($"http://127.0.0.1:{p}");
            return;
        }

        var configured = builder.Configuration["urls"] ?? builder.Configuration["http_ports"] ?? builder.Configuration["https_ports"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
        }
    }
}
