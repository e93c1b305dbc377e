namespace Hotline.Functions.Hosting;

/// <summary>Which host runs the app.</summary>
internal enum HostKind
{
    /// <summary>On its own: ASP.NET Core serves the HTTP functions, in-process listeners run the queue functions.</summary>
    Standalone,

    /// <summary>As the isolated worker of an Azure Functions host, which owns HTTP and the triggers.</summary>
    Worker,
}

/// <summary>
/// How this start was asked for, read from the process's switches and environment, never guessed. The
/// Functions host starts its worker with <c>--functions-uri</c>, <c>--functions-worker-id</c>, ... (Worker 2.x
/// reads only those, or <c>Functions__Worker__HostEndpoint</c>); in Azure's placeholder mode a native host
/// forwards them and sets the AppContext switch <c>AZURE_FUNCTIONS_NATIVE_HOST</c>. Anything else is standalone.
/// </summary>
internal sealed record HostingMode(HostKind Kind, bool VerifyOnly, string[] AppArgs)
{
    /// <summary>Asks for standalone explicitly (what `dotnet run` and run-local.sh pass).</summary>
    public const string StandaloneSwitch = "--standalone";

    /// <summary>
    /// Diagnostic: with the host's switches, build the worker host, activate every function, print what
    /// was resolved and exit, without connecting to the host. What this machine can check of worker mode.
    /// </summary>
    public const string VerifyWorkerSwitch = "--verify-worker";

    public const string DefaultStandaloneUrl = "http://127.0.0.1:7071";

    private const string HostSwitchPrefix = "--functions-";
    private const string NativeHostSwitch = "AZURE_FUNCTIONS_NATIVE_HOST";

    public static HostingMode Detect(string[] args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var hostSwitches = args.Any(a => a.StartsWith(HostSwitchPrefix, StringComparison.Ordinal))
            || (AppContext.TryGetSwitch(NativeHostSwitch, out var native) && native)
            || !string.IsNullOrWhiteSpace(environment("Functions__Worker__HostEndpoint"));
        var standalone = args.Contains(StandaloneSwitch, StringComparer.Ordinal);
        var verify = args.Contains(VerifyWorkerSwitch, StringComparer.Ordinal);
        var appArgs = args.Where(a => a is not (StandaloneSwitch or VerifyWorkerSwitch)).ToArray();

        if (hostSwitches && standalone)
        {
            throw new StartupException($"{StandaloneSwitch} was given together with the Functions host's switches ({HostSwitchPrefix}*): start it standalone or as the host's worker, not both.");
        }

        if (verify && !hostSwitches)
        {
            throw new StartupException($"{VerifyWorkerSwitch} checks worker mode: give it the Functions host's switches ({HostSwitchPrefix}uri, {HostSwitchPrefix}worker-id, ...).");
        }

        if (!hostSwitches && !standalone && !string.IsNullOrWhiteSpace(environment("FUNCTIONS_WORKER_DIRECTORY")))
        {
            throw new StartupException($"FUNCTIONS_WORKER_DIRECTORY is set, as the Functions host sets it for its worker, but the host's switches ({HostSwitchPrefix}*) are missing: pass {StandaloneSwitch} to run standalone.");
        }

        return new HostingMode(hostSwitches ? HostKind.Worker : HostKind.Standalone, verify, appArgs);
    }

    /// <summary>
    /// The Functions convention <c>AzureWebJobs__{Name}__Disabled</c> (<c>true</c>/<c>false</c>, or <c>1</c>/<c>0</c>).
    /// Any other value stops start-up: read as "not disabled", a typo would quietly start a listener.
    /// </summary>
    public static bool IsFunctionDisabled(IConfiguration configuration, string functionName)
    {
        ArgumentNullException.ThrowIfNull(configuration);
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

    /// <summary>Standalone listens on <see cref="DefaultStandaloneUrl"/> unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> say otherwise.</summary>
    public static void ConfigureStandaloneUrls(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration["urls"] ?? builder.Configuration["http_ports"] ?? builder.Configuration["https_ports"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            builder.WebHost.UseUrls(DefaultStandaloneUrl);
        }
    }
}
