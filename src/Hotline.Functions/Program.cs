using Hotline.Functions;
using Hotline.Functions.Hosting;
using Microsoft.Extensions.Options;

try
{
    var app = HotlineApp.Build(HotlineApp.CreateBuilder(args));
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    // One line that names the setting: what an operator sees in the host log or the terminal.
    await Console.Error.WriteLineAsync("Hotline cannot start: " + string.Join(" ", ex.Failures));
    return 2;
}
catch (StartupException ex)
{
    await Console.Error.WriteLineAsync("Hotline cannot start: " + ex.Message);
    return 2;
}
