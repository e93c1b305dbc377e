using System.Text.Json;
using Hotline.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Hotline.Tests.Hosting;

/// <summary>The files the Functions host reads (host.json, */function.json) agree with what the app serves.</summary>
public sealed class FunctionsContractTests(AzuriteFixture azurite)
{
    private static readonly string AppRoot = AppContext.BaseDirectory;

    [Fact]
    public void HostJson_CustomHandler_PointsAtTheExecutableWithForwardingAndQueueSettings()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppRoot, "host.json")));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("Microsoft.Azure.Functions.ExtensionBundle", root.GetProperty("extensionBundle").GetProperty("id").GetString());
        Assert.Equal("[4.0.0, 5.0.0)", root.GetProperty("extensionBundle").GetProperty("version").GetString());
        var handler = root.GetProperty("customHandler");
        Assert.Equal("Hotline.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        var queues = root.GetProperty("extensions").GetProperty("queues");
        foreach (var setting in new[] { "maxDequeueCount", "visibilityTimeout", "batchSize", "maxPollingInterval" })
        {
            Assert.True(queues.TryGetProperty(setting, out _), "host.json extensions.queues." + setting);
        }

        // An urgent alert must not wait up to a minute (the default) for a poll.
        Assert.True(TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(5));
        Assert.Equal("api", root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public async Task FunctionJson_HttpFunctions_AreForwardableAndServedByTheApp()
    {
        // The host forwards only functions whose bindings are exactly one httpTrigger and one http output.
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        await using var app = TestApp.Build(settings, new LogCapture());
        var routes = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.Trim('/'))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var httpFunctions = 0;
        foreach (var file in Directory.GetFiles(AppRoot, "function.json", SearchOption.AllDirectories))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var bindings = doc.RootElement.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = bindings.SingleOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger");
            if (trigger.ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            httpFunctions++;
            Assert.Equal(2, bindings.Count);
            Assert.Contains(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("direction").GetString() == "out");
            Assert.Equal("anonymous", trigger.GetProperty("authLevel").GetString());
            var route = "/api/" + trigger.GetProperty("route").GetString()!.Replace("/{asset?}", string.Empty, StringComparison.Ordinal);
            Assert.True(routes.Contains(route), $"{Path.GetFileName(Path.GetDirectoryName(file))}: the app serves no {route} (it serves {string.Join(", ", routes)})");
        }

        Assert.Equal(4, httpFunctions); // Health, SubmitTip, TipForm, SmsInbound
    }
}
