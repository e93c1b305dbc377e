using System.Globalization;
using System.Text.Json;
using Hotline.Functions.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Hosting;

/// <summary>
/// What the Functions host reads (host.json, and functions.metadata, which the Worker SDK writes at build
/// from the [Function] attributes) is pinned, and agrees with what the standalone host serves.
/// </summary>
public sealed class FunctionsContractTests(AzuriteFixture azurite)
{
    private static readonly string AppRoot = AppContext.BaseDirectory;

    /// <summary>One row per function: the host's contract. A change here is a change to what Azure runs.</summary>
    public static TheoryData<string, string, string, string, string?, string?, string?> Functions => new()
    {
        // name, entry point, trigger, methods, route, queue (a timer's schedule), connection
        { "SubmitTip", "Hotline.Functions.SubmitTip.SubmitTipFunction.Run", "httpTrigger", "post", "api/tips", null, null },
        { "SmsInbound", "Hotline.Functions.SmsInbound.SmsInboundFunction.Run", "httpTrigger", "post", "api/sms", null, null },
        { "FollowUp", "Hotline.Functions.FollowUp.FollowUpFunction.Page", "httpTrigger", "get,post", "followup/{action?}", null, null },
        { "FollowUpApi", "Hotline.Functions.FollowUp.FollowUpFunction.Api", "httpTrigger", "post", "api/followup/{action?}", null, null },
        { "Health", "Hotline.Functions.Health.HealthFunction.Run", "httpTrigger", "get", "api/health", null, null },
        { "TipForm", "Hotline.Functions.TipForm.TipFormFunction.Run", "httpTrigger", "get,post", "api/tips/form/{asset?}", null, null },
        { "TipFormHome", "Hotline.Functions.TipForm.TipFormFunction.Home", "httpTrigger", "get", "/", null, null },
        { "DispatchTriage", "Hotline.Functions.DispatchTriage.DispatchTriageFunction.Run", "queueTrigger", "", null, "triage", "AzureWebJobsStorage" },
        { "DispatchTriagePoison", "Hotline.Functions.DispatchTriagePoison.DispatchTriagePoisonFunction.Run", "queueTrigger", "", null, "triage-poison", "AzureWebJobsStorage" },
        { "DispatchDigest", "Hotline.Functions.DispatchDigest.DispatchDigestFunction.Run", "timerTrigger", "", null, "0 * * * * *", null },
        { "SweepUntriaged", "Hotline.Functions.SweepUntriaged.SweepUntriagedFunction.Run", "timerTrigger", "", null, "%SweepUntriagedSchedule%", null },
        { "ExpireCases", "Hotline.Functions.ExpireCases.ExpireCasesFunction.Run", "timerTrigger", "", null, "%ExpireCasesSchedule%", null },
        { "DeleteProviderCopy", "Hotline.Functions.DeleteProviderCopy.DeleteProviderCopyFunction.Run", "queueTrigger", "", null, "twilio-delete", "AzureWebJobsStorage" },
        { "FetchMedia", "Hotline.Functions.FetchMedia.FetchMediaFunction.Run", "queueTrigger", "", null, "sms-media", "AzureWebJobsStorage" },
        { "FetchMediaPoison", "Hotline.Functions.FetchMediaPoison.FetchMediaPoisonFunction.Run", "queueTrigger", "", null, "sms-media-poison", "AzureWebJobsStorage" },
        { "SmsStatus", "Hotline.Functions.SmsStatus.SmsStatusFunction.Run", "httpTrigger", "post", "api/sms/status", null, null },
        { "EscalateAlert", "Hotline.Functions.EscalateAlert.EscalateAlertFunction.Run", "queueTrigger", "", null, "escalation", "AzureWebJobsStorage" },
        { "EscalateAlertPoison", "Hotline.Functions.EscalateAlertPoison.EscalateAlertPoisonFunction.Run", "queueTrigger", "", null, "escalation-poison", "AzureWebJobsStorage" },
        { "EscalateOverdue", "Hotline.Functions.EscalateOverdue.EscalateOverdueFunction.Run", "timerTrigger", "", null, "30 * * * * *", null },
    };

    [Fact]
    public void HostJson_IsolatedWorker_HasNoCustomHandlerAndKeepsTheQueueSettings()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppRoot, "host.json")));
        var root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.False(root.TryGetProperty("customHandler", out _), "host.json still has a customHandler section");
        Assert.False(root.TryGetProperty("extensionBundle", out _), "a dotnet-isolated app brings its extensions itself (.azurefunctions), not a bundle");
        var queues = root.GetProperty("extensions").GetProperty("queues");
        foreach (var setting in new[] { "maxDequeueCount", "visibilityTimeout", "batchSize", "maxPollingInterval" })
        {
            Assert.True(queues.TryGetProperty(setting, out _), "host.json extensions.queues." + setting);
        }

        // An urgent alert must not wait up to a minute (the default) for a poll.
        Assert.True(TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(5));

        // No prefix, so the form can live at the site root; every other route names its own "api/".
        Assert.Equal(string.Empty, root.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void WorkerConfig_DescribesADotnetIsolatedWorker()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppRoot, "worker.config.json")));
        var description = config.RootElement.GetProperty("description");

        Assert.Equal("dotnet-isolated", description.GetProperty("language").GetString());
        Assert.Equal("Hotline.Functions.dll", description.GetProperty("defaultWorkerPath").GetString());
    }

    [Fact]
    public void FunctionsMetadata_FunctionSet_IsExactlyThePinnedOne()
    {
        var names = Metadata().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal);

        Assert.Equal(Functions.Select(row => ((ITheoryDataRow)row).GetData()[0] as string).Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void FunctionsMetadata_EachFunction_MatchesItsPinnedContract(string name, string entryPoint, string trigger, string methods, string? route, string? queue, string? connection)
    {
        var function = Metadata().Single(f => f.GetProperty("name").GetString() == name);
        Assert.Equal(entryPoint, function.GetProperty("entryPoint").GetString());
        Assert.Equal("Hotline.Functions.dll", function.GetProperty("scriptFile").GetString());

        var bindings = function.GetProperty("bindings").EnumerateArray().ToList();
        var triggerBinding = Assert.Single(bindings, b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
        Assert.Equal(trigger, triggerBinding.GetProperty("type").GetString());
        Assert.Equal("In", triggerBinding.GetProperty("direction").GetString());
        if (trigger == "httpTrigger")
        {
            // Anonymous: tipsters and Twilio hold no function keys (Twilio is checked by its signature).
            Assert.Equal("Anonymous", triggerBinding.GetProperty("authLevel").GetString());
            Assert.Equal(methods, string.Join(',', triggerBinding.GetProperty("methods").EnumerateArray().Select(m => m.GetString())));
            Assert.Equal(route, triggerBinding.GetProperty("route").GetString());
            var output = Assert.Single(bindings, b => b.GetProperty("direction").GetString() == "Out");
            Assert.Equal("http", output.GetProperty("type").GetString());
            Assert.Equal("$return", output.GetProperty("name").GetString());
            Assert.Equal(2, bindings.Count);
        }
        else if (trigger == "timerTrigger")
        {
            Assert.Equal(queue, triggerBinding.GetProperty("schedule").GetString());
            Assert.False(triggerBinding.TryGetProperty("runOnStartup", out var onStartup) && onStartup.GetBoolean(), "a timer that runs on every start runs on every scale-out");
            Assert.Single(bindings);
        }
        else
        {
            Assert.Equal(queue, triggerBinding.GetProperty("queueName").GetString());
            Assert.Equal(connection, triggerBinding.GetProperty("connection").GetString());
            Assert.Equal("String", triggerBinding.GetProperty("dataType").GetString());
            Assert.Single(bindings);
        }
    }

    [Fact]
    public async Task StandaloneRoutes_EveryHttpFunction_ServedAtTheHostsPathAndNothingElse()
    {
        // The standalone host serves exactly the HTTP functions, where the Functions host would (route
        // prefix from host.json + route), with the same methods; no other endpoint exists (no invocation
        // route, nothing that does more than the public routes).
        await using var app = TestApp.Build(TestApp.BaseSettings(azurite.ConnectionString), new LogCapture());
        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, Path: "/" + e.RoutePattern.RawText!.Trim('/'), Methods: string.Join(',', e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods).ToLowerInvariant()))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();

        var expected = Metadata()
            .Select(f => (Name: f.GetProperty("name").GetString(), Trigger: f.GetProperty("bindings").EnumerateArray().First()))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "httpTrigger")
            .Select(f => (f.Name, Path: HttpFunctionRoutes.Path(string.Empty, f.Trigger.GetProperty("route").GetString()!), Methods: string.Join(',', f.Trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()))))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToList();
        Assert.Equal(expected, endpoints);
    }

    [Fact]
    public async Task QueueFunctions_StandaloneListeners_ReadTheQueuesTheMetadataNames()
    {
        await using var app = TestApp.Build(TestApp.BaseSettings(azurite.ConnectionString), new LogCapture());
        var registered = app.Services.GetServices<QueueFunctionDefinition>().Select(f => (f.Name, f.QueueName)).Order().ToList();

        var declared = Metadata()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First()))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "queueTrigger")
            .Select(f => (f.Name, f.Trigger.GetProperty("queueName").GetString()!))
            .Order()
            .ToList();
        Assert.Equal(declared, registered);
    }

    [Fact]
    public async Task TimerFunctions_StandaloneListeners_RunTheScheduleTheMetadataNames()
    {
        await using var app = TestApp.Build(TestApp.BaseSettings(azurite.ConnectionString), new LogCapture());
        var registered = app.Services.GetServices<TimerFunctionDefinition>().Select(f => (f.Name, f.Schedule)).Order().ToList();

        var declared = Metadata()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: f.GetProperty("bindings").EnumerateArray().First()))
            .Where(f => f.Trigger.GetProperty("type").GetString() == "timerTrigger")
            .Select(f => (f.Name, f.Trigger.GetProperty("schedule").GetString()!))
            .Order()
            .ToList();
        Assert.Equal(declared, registered);
        Assert.All(app.Services.GetServices<TimerFunctionDefinition>(), f => TimerListener.ParseSchedule(f.ResolvedSchedule));
    }

    private static List<JsonElement> Metadata()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppRoot, "functions.metadata")));
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
