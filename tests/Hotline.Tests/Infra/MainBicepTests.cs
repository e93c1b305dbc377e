using System.Text.Json;
using Hotline.Diagnostics;
using Hotline.Dispatch;
using Hotline.Storage;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Infra;

/// <summary>What the Azure deployment promises: no shared keys, no secrets in app settings, a private-key vault the app cannot read, and the storage and settings the app expects.</summary>
[Trait(Tier.Name, Tier.Slow)]
public sealed class MainBicepTests(MainBicepFixture bicep) : IClassFixture<MainBicepFixture>
{
    [Fact]
    public void Storage_Account_RefusesSharedKeysAndAnonymousAccess()
    {
        var properties = Assert.Single(bicep.Resources("Microsoft.Storage/storageAccounts")).GetProperty("properties");

        Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
        Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
        Assert.True(properties.GetProperty("defaultToOAuthAuthentication").GetBoolean());
        Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
    }

    [Fact]
    public void Storage_ContainersAndQueues_AreTheOnesTheAppUses()
    {
        var containers = Assert.Single(bicep.Resources("Microsoft.Storage/storageAccounts/blobServices/containers")).GetProperty("name").GetString()!;
        var queues = Assert.Single(bicep.Resources("Microsoft.Storage/storageAccounts/queueServices/queues")).GetProperty("name").GetString()!;

        foreach (var container in new[] { StorageNames.TipsContainer, StorageNames.IntakeContainer, StorageNames.FollowUpContainer, AlertLedger.ContainerName, AlertDigest.ContainerName, StorageNames.CasesContainer, Hotline.Cases.AuditLog.ContainerName })
        {
            Assert.Contains($"'{container}'", containers, StringComparison.Ordinal);
        }

        foreach (var queue in new[] { StorageNames.TriageQueue, StorageNames.TriagePoisonQueue, StorageNames.ProviderCopiesQueue, StorageNames.ProviderCopiesQueue + StorageNames.PoisonSuffix, StorageNames.MediaQueue, StorageNames.MediaQueue + StorageNames.PoisonSuffix, StorageNames.MediaQueue + StorageNames.PoisonSuffix + StorageNames.PoisonSuffix })
        {
            Assert.Contains($"'{queue}'", queues, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Storage_LifecycleRule_DeletesIntakeRecordsAndTheLedgerAfter30Days()
    {
        // What the app leaves behind in intake/ (sent-message records of messages Twilio never reports final, pointers,
        // idempotency records) and alerts/ (the send ledger) is deleted by this rule.
        var rule = Rules().Single(r => r.GetProperty("name").GetString() == "expire-intake-pointers-and-alert-ledger");
        var definition = rule.GetProperty("definition");

        Assert.True(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal([$"{StorageNames.IntakeContainer}/", $"{AlertLedger.ContainerName}/"], definition.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(30, definition.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete").GetProperty("daysAfterModificationGreaterThan").GetInt32());
    }

    [Fact]
    public void Storage_BackstopRule_DeletesReportsAndCaseRecordsAMonthAfterMaxRetention()
    {
        // Retention's backstop: a stopped ExpireCases timer cannot keep a report forever.
        var rule = Rules().Single(r => r.GetProperty("name").GetString() == "backstop-delete-reports-past-max-retention");
        var definition = rule.GetProperty("definition");
        var parameters = bicep.Template.GetProperty("parameters");

        Assert.True(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal([$"{StorageNames.TipsContainer}/", $"{StorageNames.CasesContainer}/", $"{StorageNames.AlertDigestContainer}/", $"{StorageNames.FollowUpContainer}/"], definition.GetProperty("filters").GetProperty("prefixMatch").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("[add(parameters('retentionMaxDays'), 30)]", definition.GetProperty("actions").GetProperty("baseBlob").GetProperty("delete").GetProperty("daysAfterCreationGreaterThan").GetString());
        Assert.Equal(new Hotline.Retention.RetentionOptions().MaxDays, parameters.GetProperty("retentionMaxDays").GetProperty("defaultValue").GetInt32());
        Assert.Equal(new Hotline.Retention.RetentionOptions().ClosedDays, parameters.GetProperty("retentionClosedDays").GetProperty("defaultValue").GetInt32());
        Assert.Equal(new Hotline.Retention.RetentionOptions().InactiveDays, parameters.GetProperty("retentionInactiveDays").GetProperty("defaultValue").GetInt32());
        Assert.Equal(30, Hotline.Retention.RetentionOptions.BackstopMarginDays);
    }

    private List<JsonElement> Rules() =>
        [.. Assert.Single(bicep.Resources("Microsoft.Storage/storageAccounts/managementPolicies")).GetProperty("properties").GetProperty("policy").GetProperty("rules").EnumerateArray()];

    [Fact]
    public void AlertRules_OnTheAppsMetricsAndTheHostsRecords_NotifyTheOnCallActionGroup()
    {
        var rules = bicep.Template.GetProperty("variables").GetProperty("alertRules").EnumerateArray()
            .ToDictionary(r => r.GetProperty("name").GetString()!, r => r.GetProperty("query").GetString()!);
        var rule = Assert.Single(bicep.Resources("Microsoft.Insights/scheduledQueryRules")).GetProperty("properties");
        var group = Assert.Single(bicep.Resources("Microsoft.Insights/actionGroups")).GetProperty("properties");

        Assert.Equal(["poison", "poison-poison", "escalated-to-everyone", "dispatch-failures", "alert-refused", "followup-failures", "health"], rules.Keys);
        Assert.Contains($"name == \"{HotlineMetrics.FollowUpFailuresMetric}\"", rules["followup-failures"], StringComparison.Ordinal);
        Assert.Contains("parameters('followUpFailureThreshold')", rules["followup-failures"], StringComparison.Ordinal);
        Assert.Equal(200, bicep.Template.GetProperty("parameters").GetProperty("followUpFailureThreshold").GetProperty("defaultValue").GetInt32());
        Assert.Contains($"name == \"{HotlineMetrics.PoisonMetric}\"", rules["poison"], StringComparison.Ordinal);
        Assert.Contains($"name == \"{HotlineMetrics.AlertsMetric}\"", rules["alert-refused"], StringComparison.Ordinal);
        Assert.Contains("outcome) == \"refused\"", rules["alert-refused"], StringComparison.Ordinal);
        Assert.Contains("\"DispatchTriagePoison\"", rules["poison-poison"], StringComparison.Ordinal);
        Assert.Contains($"\"{Hotline.Functions.EscalateAlertPoison.EscalateAlertPoisonFunction.FunctionName}\"", rules["poison-poison"], StringComparison.Ordinal);
        Assert.Contains($"name == \"{HotlineMetrics.EscalationStepsMetric}\"", rules["escalated-to-everyone"], StringComparison.Ordinal);
        Assert.Contains($"step) == \"{Hotline.Escalation.AlertEscalator.StepName(Hotline.Escalation.EscalationOptions.LastStep)}\"", rules["escalated-to-everyone"], StringComparison.Ordinal);
        Assert.Contains("\"DispatchTriage\"", rules["dispatch-failures"], StringComparison.Ordinal);
        Assert.Contains("availabilityResults", rules["health"], StringComparison.Ordinal);
        Assert.Contains("actionGroups", rule.GetProperty("actions").GetProperty("actionGroups")[0].GetString()!, StringComparison.Ordinal);
        Assert.Contains("Microsoft.Insights/components", rule.GetProperty("scopes")[0].GetString()!, StringComparison.Ordinal);
        var receivers = group.GetProperty("copy").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("count").GetString()!);
        Assert.Equal("[length(variables('emails'))]", receivers["emailReceivers"]);
        Assert.StartsWith("[filter(parameters('alertEmails'), ", bicep.Template.GetProperty("variables").GetProperty("emails").GetString(), StringComparison.Ordinal);
        Assert.Equal("[length(parameters('alertSmsReceivers'))]", receivers["smsReceivers"]);
        Assert.StartsWith("[format('https://{0}/api/health', ", Assert.Single(bicep.Resources("Microsoft.Insights/webtests")).GetProperty("properties").GetProperty("Request").GetProperty("RequestUrl").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public void LogWorkspace_Transformation_BlanksTheClientsPlaceInEveryTableThatHasIt()
    {
        var workspace = Assert.Single(bicep.Resources("Microsoft.OperationalInsights/workspaces"));
        var rule = Assert.Single(bicep.Resources("Microsoft.Insights/dataCollectionRules"));
        var variables = bicep.Template.GetProperty("variables");
        var blank = variables.GetProperty("blankClientGeo").GetString()!;
        var flows = rule.GetProperty("properties").GetProperty("copy").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "dataFlows");
        var flow = flows.GetProperty("input");

        // The workspace links the rule, and the rule names the workspace as its destination (Azure requires both).
        Assert.Equal("WorkspaceTransforms", rule.GetProperty("kind").GetString());
        Assert.Equal(
            $"[resourceId('Microsoft.Insights/dataCollectionRules', {rule.GetProperty("name").GetString()![1..^1]})]",
            workspace.GetProperty("properties").GetProperty("defaultDataCollectionRuleResourceId").GetString());
        Assert.Equal(
            $"[resourceId('Microsoft.OperationalInsights/workspaces', {workspace.GetProperty("name").GetString()![1..^1]})]",
            rule.GetProperty("properties").GetProperty("destinations").GetProperty("logAnalytics")[0].GetProperty("workspaceResourceId").GetString());

        // One flow per Application Insights table with Client* columns, each through the blanking.
        Assert.Equal(
            ["AppAvailabilityResults", "AppBrowserTimings", "AppDependencies", "AppEvents", "AppExceptions", "AppMetrics", "AppPageViews", "AppPerformanceCounters", "AppRequests", "AppTraces"],
            variables.GetProperty("clientGeoTables").EnumerateArray().Select(t => t.GetString()!));
        Assert.Equal("[length(variables('clientGeoTables'))]", flows.GetProperty("count").GetString());
        Assert.Equal("[format('Microsoft-Table-{0}', variables('clientGeoTables')[copyIndex('dataFlows')])]", flow.GetProperty("streams")[0].GetString());
        Assert.Equal("workspace", flow.GetProperty("destinations")[0].GetString());
        Assert.StartsWith("source | extend ", blank, StringComparison.Ordinal);
        foreach (var column in new[] { "ClientCity", "ClientStateOrProvince", "ClientCountryOrRegion" })
        {
            Assert.Contains($"{column} = \"\"", blank, StringComparison.Ordinal);
        }

        Assert.Contains("ClientIP = \"0.0.0.0\"", blank, StringComparison.Ordinal);
        Assert.Equal(
            "[if(equals(variables('clientGeoTables')[copyIndex('dataFlows')], 'AppRequests'), format('{0}, Url = tostring(split(Url, \"?\")[0])', variables('blankClientGeo')), variables('blankClientGeo'))]",
            flow.GetProperty("transformKql").GetString());

        // Application Insights is created only once the rule exists.
        Assert.Contains(
            "[resourceId('Microsoft.Insights/dataCollectionRules', variables('workspaceTransformsName'))]",
            Assert.Single(bicep.Resources("Microsoft.Insights/components")).GetProperty("dependsOn").EnumerateArray().Select(d => d.GetString()));
    }

    [Fact]
    public void ResponderVault_AppIdentity_GetsNoRoleOnIt()
    {
        var assignments = bicep.Resources("Microsoft.Authorization/roleAssignments").ToList();
        var onResponderVault = assignments.Where(a => a.GetProperty("scope").GetString()!.Contains("'kvr-", StringComparison.Ordinal)).ToList();
        var onAppVault = assignments.Where(a => a.GetProperty("scope").GetString()!.Contains("'kv-", StringComparison.Ordinal)).ToList();

        // The intake side must never be able to read the private key: only the responders' principals are granted there.
        Assert.NotEmpty(onResponderVault);
        Assert.All(onResponderVault, a => Assert.Equal("[variables('responders')[copyIndex()]]", PrincipalOf(a)));
        Assert.StartsWith("[filter(parameters('responderPrincipalIds'), ", bicep.Template.GetProperty("variables").GetProperty("responders").GetString(), StringComparison.Ordinal);
        Assert.Contains(onAppVault, a => PrincipalOf(a).Contains("userAssignedIdentities", StringComparison.Ordinal));
    }

    [Fact]
    public void FunctionApp_AppSettings_HoldNoSecretsAndOnlySettingsTheAppKnows()
    {
        var settings = Assert.Single(bicep.Resources("Microsoft.Web/sites/config")).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var known = sample.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        foreach (var secret in new[] { "Twilio__AuthToken", "Hotline__PhonePepper", "Hotline__PrivateKeyPath", "AzureWebJobsStorage" })
        {
            Assert.DoesNotContain(secret, settings);
        }

        Assert.DoesNotContain(settings, s => s.StartsWith("Responders__", StringComparison.Ordinal));
        Assert.All(settings.Where(s => s.StartsWith("Hotline__", StringComparison.Ordinal) || s.StartsWith("Twilio__", StringComparison.Ordinal)), s => Assert.Contains(s, known));
        Assert.Contains("Hotline__KeyVaultUri", settings);
        Assert.Contains("Hotline__PublicKeyPem", settings);
        Assert.Equal("managedidentity", SettingValue("AzureWebJobsStorage__credential"));
    }

    [Fact]
    public void FunctionApp_Runtime_IsDotnetIsolated10OnFlexConsumptionWithTheUserAssignedIdentity()
    {
        var site = Assert.Single(bicep.Resources("Microsoft.Web/sites"));
        var properties = site.GetProperty("properties");
        var runtime = properties.GetProperty("functionAppConfig").GetProperty("runtime");

        Assert.Equal("dotnet-isolated", runtime.GetProperty("name").GetString());
        Assert.Equal("10.0", runtime.GetProperty("version").GetString());

        // Flex Consumption refuses the runtime as app settings: it comes from functionAppConfig alone.
        var settings = Assert.Single(bicep.Resources("Microsoft.Web/sites/config")).GetProperty("properties").EnumerateObject().Select(p => p.Name).ToList();
        Assert.DoesNotContain("FUNCTIONS_WORKER_RUNTIME", settings);
        Assert.DoesNotContain("FUNCTIONS_EXTENSION_VERSION", settings);

        // The form is served at "/" (host.json routePrefix ""), so the host's home page is off.
        Assert.Equal("true", SettingValue("AzureWebJobsDisableHomepage"));

        // The sweeper's trigger reads its schedule from a setting: without it the host cannot index the function.
        Assert.Equal(Hotline.Functions.SweepUntriaged.SweepUntriagedFunction.DefaultScheduleValue, SettingValue(Hotline.Functions.SweepUntriaged.SweepUntriagedFunction.ScheduleSetting));

        // The queue triggers' connection (AzureWebJobsStorage) is identity-based, through the same settings.
        Assert.Contains("userAssignedIdentities", SettingValue("AzureWebJobsStorage__clientId"), StringComparison.Ordinal);
        Assert.NotNull(SettingValue("AzureWebJobsStorage__queueServiceUri"));
        Assert.Equal("UserAssigned", site.GetProperty("identity").GetProperty("type").GetString());
        Assert.True(properties.GetProperty("httpsOnly").GetBoolean());
        Assert.False(properties.GetProperty("clientAffinityEnabled").GetBoolean());
        Assert.Equal("FlexConsumption", Assert.Single(bicep.Resources("Microsoft.Web/serverfarms")).GetProperty("sku").GetProperty("tier").GetString());
        Assert.Equal(
            "UserAssignedIdentity",
            properties.GetProperty("functionAppConfig").GetProperty("deployment").GetProperty("storage").GetProperty("authentication").GetProperty("type").GetString());
    }

    private static string PrincipalOf(JsonElement assignment) => assignment.GetProperty("properties").GetProperty("principalId").GetString()!;

    private string? SettingValue(string name) =>
        Assert.Single(bicep.Resources("Microsoft.Web/sites/config")).GetProperty("properties").GetProperty(name).GetString();
}
