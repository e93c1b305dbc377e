using System.Text.Json;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Infra;

/// <summary>
/// infra/main.bicep compiled to its ARM template by the Bicep CLI from NuGet (infra/tools), once
/// for the tests that check what the deployment promises.
/// </summary>
public sealed class MainBicepFixture : IAsyncLifetime
{
    private JsonDocument? _template;

    public JsonElement Template => _template?.RootElement ?? throw new InvalidOperationException("Not compiled yet.");

    public IEnumerable<JsonElement> Resources(string type) =>
        Template.GetProperty("resources").EnumerateArray().Where(r => r.GetProperty("type").GetString() == type);

    public async ValueTask InitializeAsync()
    {
        var project = Path.Combine(RepoPaths.Root, "infra", "tools", "BicepCli.csproj");
        var version = System.Text.RegularExpressions.Regex.Match(await File.ReadAllTextAsync(project), "Azure.Bicep.CommandLine.linux-x64\" Version=\"\\[(.+?)\\]\"").Groups[1].Value;
        await RunAsync("dotnet", ["restore", project, "--nologo", "-v", "quiet"]);
        var packages = (await RunAsync("dotnet", ["nuget", "locals", "global-packages", "--list"])).Trim().Replace("global-packages: ", string.Empty, StringComparison.Ordinal);
        var bicep = Path.Combine(packages, "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute);
        }

        _template = JsonDocument.Parse(await RunAsync(bicep, ["build", Path.Combine(RepoPaths.Root, "infra", "main.bicep"), "--stdout"]));
    }

    public ValueTask DisposeAsync()
    {
        _template?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static Task<string> RunAsync(string fileName, string[] args) => ChildProcess.RunAsync(fileName, args, TimeSpan.FromMinutes(3));
}
