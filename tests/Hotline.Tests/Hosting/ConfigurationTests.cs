using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hotline.Functions.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Hosting;

/// <summary>Where settings come from: host.json, local.settings.json, the environment, the command line.</summary>
public sealed class ConfigurationTests(AzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostJson_NothingOverridesIt_ItsQueueSettingsReachTheListenerOptions()
    {
        using var hostJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "host.json"), Ct));
        var queues = hostJson.RootElement.GetProperty("extensions").GetProperty("queues");
        await using var app = TestApp.Build(TestApp.BaseSettings(azurite.ConnectionString), new LogCapture());

        var options = app.Services.GetRequiredService<IOptions<QueueTriggerOptions>>().Value;

        Assert.Equal(queues.GetProperty("maxDequeueCount").GetInt32(), options.MaxDequeueCount);
        Assert.Equal(queues.GetProperty("batchSize").GetInt32(), options.BatchSize);
        Assert.Equal(TimeSpan.Parse(queues.GetProperty("visibilityTimeout").GetString()!, CultureInfo.InvariantCulture), options.VisibilityTimeout);
        Assert.Equal(TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, CultureInfo.InvariantCulture), options.MaxPollingInterval);

        // The file differs from the code's defaults here, so the values above cannot match by accident.
        Assert.NotEqual(new QueueTriggerOptions().VisibilityTimeout, options.VisibilityTimeout);
        Assert.NotEqual(new QueueTriggerOptions().MaxPollingInterval, options.MaxPollingInterval);
    }

    [Fact]
    public async Task LocalSettings_ValuesAreSettingsAndTheEnvironmentWins()
    {
        var folder = Directory.CreateTempSubdirectory("hotline-local-settings-");
        try
        {
            // Everything but a good pepper comes from the file ("__" as sections); the file's pepper is too short and
            // the environment's good one must win, or start-up stops.
            await WriteLocalSettingsAsync(folder.FullName, new JsonObject
            {
                ["IsEncrypted"] = false,
                ["Values"] = new JsonObject
                {
                    ["FUNCTIONS_WORKER_RUNTIME"] = "Custom",
                    ["AzureWebJobsStorage"] = azurite.ConnectionString,
                    ["Hotline__PublicKeyPem"] = TestKeys.PublicKeyPem,
                    ["Hotline__PhonePepper"] = "too-short",
                    ["AzureWebJobs__DispatchTriage__Disabled"] = "true",
                    ["AzureWebJobs__DispatchTriagePoison__Disabled"] = "true",
                },
            });

            await StartupTests.AssertStartsHealthyAsync(
                new Dictionary<string, string?> { ["Hotline__PhonePepper"] = TestKeys.PhonePepper },
                "the app should run on local.settings.json with the environment's pepper",
                folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task LocalSettingsSample_AsItIsPlusAPepper_Starts()
    {
        var folder = Directory.CreateTempSubdirectory("hotline-sample-");
        try
        {
            var sample = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "local.settings.sample.json"), Ct))!;
            Assert.Equal(string.Empty, sample["Values"]!["Hotline__KeyVaultUri"]!.GetValue<string>());
            sample["Values"]!["Hotline__PhonePepper"] = TestKeys.PhonePepper;
            await WriteLocalSettingsAsync(folder.FullName, sample);

            // The sample's key path, relative to the working directory as in a local run.
            var keyPath = Path.Combine(folder.FullName, sample["Values"]!["Hotline__PublicKeyPath"]!.GetValue<string>());
            Directory.CreateDirectory(Path.GetDirectoryName(keyPath)!);
            await File.WriteAllTextAsync(keyPath, TestKeys.PublicKeyPem, Ct);

            // Only what a test must own is set in the environment: the sample's UseDevelopmentStorage=true is port 10000,
            // which is not the tests' Azurite, and its triage queue belongs to the intake tests.
            await StartupTests.AssertStartsHealthyAsync(
                new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = azurite.ConnectionString,
                    ["AzureWebJobs__DispatchTriage__Disabled"] = "true",
                    ["AzureWebJobs__DispatchTriagePoison__Disabled"] = "true",
                },
                "the app should start from the sample settings",
                folder.FullName);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public Task Executable_AspNetCoreUrls_ListensThere() =>
        StartupTests.AssertStartsHealthyAsync(StartupTests.AppEnvironment(azurite.ConnectionString), "the app should listen on ASPNETCORE_URLS (no --urls given)", urlFromEnvironment: true);

    private static Task WriteLocalSettingsAsync(string folder, JsonNode settings) =>
        File.WriteAllTextAsync(Path.Combine(folder, "local.settings.json"), settings.ToJsonString(), Ct);
}
