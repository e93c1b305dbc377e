using Hotline.Functions;
using Hotline.Functions.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = HotlineApp.Build(HotlineApp.CreateBuilder(args));
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
    AggregateException aggregate when aggregate.InnerExceptions.All(e => e is OptionsValidationException or StartupException) =>
        [.. aggregate.InnerExceptions.SelectMany(StartupFailures)],
    _ => [],
};
