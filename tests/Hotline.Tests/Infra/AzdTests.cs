using System.Text.Json;
using System.Text.RegularExpressions;
using Hotline.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Hotline.Tests.Infra;

/// <summary>
/// What `azd up` needs from this repository, read the way azd reads it (azd itself cannot run here): azure.yaml's
/// service and hook, main.parameters.json against the compiled template, and the tags and outputs azd looks for.
/// </summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed partial class AzdTests(MainBicepFixture bicep) : IClassFixture<MainBicepFixture>
{
    [Fact]
    public void AzureYaml_Service_IsTheFunctionAppProjectWithItsPostprovisionHook()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(RepoPaths.Root, "azure.yaml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var services = (YamlMappingNode)root["services"];
        var service = (YamlMappingNode)Assert.Single(services.Children).Value;
        var serviceName = Assert.Single(services.Children).Key.ToString();
        var project = service["project"].ToString();
        var hook = (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)root["hooks"])["postprovision"])["posix"];

        Assert.Equal(("function", "dotnet"), (service["host"].ToString(), service["language"].ToString()));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, project, "Hotline.Functions.csproj")), $"{project} holds the Function App");
        Assert.Equal("infra", ((YamlMappingNode)root["infra"])["path"].ToString());
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, hook["run"].ToString())), "the postprovision hook exists");
        Assert.Equal("sh", hook["shell"].ToString());

        // azd deploys the service to the resource tagged with its name.
        var site = Assert.Single(bicep.Resources("Microsoft.Web/sites"));
        Assert.Contains($"'azd-service-name', '{serviceName}'", site.GetProperty("tags").GetString(), StringComparison.Ordinal);
        Assert.Contains("'azd-env-name', parameters('environmentName')", bicep.Template.GetProperty("variables").GetProperty("allTags").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parameters_AzdFile_NamesEveryRequiredParameterAndOnlyTheTemplates()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "main.parameters.json")));
        var given = file.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").ToString());
        var declared = bicep.Template.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.TryGetProperty("defaultValue", out _));

        Assert.All(given.Keys, name => Assert.Contains(name, declared.Keys));
        Assert.All(declared.Where(d => !d.Value).Select(d => d.Key), name => Assert.Contains(name, given.Keys));
        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", given["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", given["operatorPrincipalId"]);
    }

    [Fact]
    public void Hook_EnvironmentItReads_IsWhatTheTemplateOutputsOrAzdSets()
    {
        var outputs = bicep.Template.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var hook = File.ReadAllText(Path.Combine(RepoPaths.Root, "infra", "hooks", "postprovision.sh"));
        var read = EnvironmentVariable().Matches(hook).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.True(outputs.Contains(name) || name is "AZURE_RESOURCE_GROUP", $"the hook reads {name}, which no output sets"));
        Assert.Contains("Hotline--PhonePepper", hook, StringComparison.Ordinal);
        Assert.DoesNotContain("--overwrite", hook, StringComparison.Ordinal);

        // Twilio is pointed at the app only after the check that the workspace blanks the client's place.
        Assert.True(hook.IndexOf("isnotempty(ClientCity)", StringComparison.Ordinal) is > 0 and var check && check < hook.IndexOf("SMS_WEBHOOK_URL", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\$\{?([A-Z][A-Z0-9_]+)")]
    private static partial Regex EnvironmentVariable();
}
