using Hotline.Functions;
using Hotline.Functions.Hosting;
using Microsoft.Extensions.Options;

try
{
    var mode = HostingMode.Detect(args, Environment.GetEnvironmentVariable);
    if (mode.Kind == HostKind.Worker)
    {
        using var worker = HotlineApp.BuildWorker(mode);
        if (mode.VerifyOnly)
        {
            return await WorkerVerification.RunAsync(worker, Console.Out);
        }

        try
        {
            await worker.RunAsync();
        }
        catch (Exception ex) when (ex.GetType().Name == "RpcException")
        {
            // Only the Functions host starts a worker; without one listening there is nothing to serve.
            await Console.Error.WriteLineAsync($"Hotline (worker mode) could not reach the Functions host at the address its switches name ({ex.GetType().Name}); run it standalone with {HostingMode.StandaloneSwitch} instead.");
            return 1;
        }

        return 0;
    }

    var app = HotlineApp.Build(HotlineApp.CreateBuilder(mode.AppArgs));
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailures(ex) is { Count: > 0 } failures)
{
    // One line that names every bad setting: what an operator sees in the host log or the terminal.
    // A validator that reads other options (the roster reads Twilio's) fails with their failures too: say each once.
    await Console.Error.WriteLineAsync("Hotline cannot start: " + string.Join(" ", failures.Distinct(StringComparer.Ordinal)));
    return 2;
}

// Several option types can fail at once (the host then throws an AggregateException): report them all.
static List<string> StartupFailures(Exception ex) => ex switch
{
    OptionsValidationException options => [.. options.Failures],
    StartupException startup => [startup.Message],
    IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } => ["the standalone address (--urls or ASPNETCORE_URLS) is already in use by another process."],
    AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException or StartupException) =>
        [.. aggregate.InnerExceptions.SelectMany(StartupFailures)],
    _ => [],
};
