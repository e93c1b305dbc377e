using System.Collections.Concurrent;
using System.Net;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Hosting;

/// <summary>The built app's queue listeners, switched by environment variables (their own storage account: they own the fixed queue names).</summary>
public sealed class ExecutableListenerTests(OwnAzurite azurite) : IClassFixture<OwnAzurite>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Executable_DisabledByEnvironmentVariable_LeavesTheTriageQueueAlone()
    {
        foreach (var name in new[] { "triage", "triage-poison" })
        {
            await azurite.Queue(name).CreateIfNotExistsAsync(cancellationToken: Ct);
            await azurite.Queue(name).ClearMessagesAsync(Ct);
        }

        await azurite.Queue("triage").SendMessageAsync("left for nobody", Ct);
        await azurite.Queue("triage-poison").SendMessageAsync("{}", Ct);
        var environment = StartupTests.AppEnvironment(azurite.ConnectionString);
        environment["AzureWebJobs__DispatchTriage__Disabled"] = "true";
        environment["AzureWebJobs__DispatchTriagePoison__Disabled"] = "false";
        environment["AzureFunctionsJobHost__extensions__queues__maxPollingInterval"] = "00:00:00.200";
        var port = StartupTests.FreePort();
        var output = new ConcurrentQueue<string>();

        using var process = StartupTests.StartExecutable(["--urls", $"http://127.0.0.1:{port}"], environment, output: output);
        try
        {
            await StartupTests.WaitForAnswerAsync(process, new Uri($"http://127.0.0.1:{port}/api/health"), HttpStatusCode.OK, "the app should start");

            // The poison listener, started with the other, has polled and taken its message...
            await Eventually.TrueAsync(async () => (await azurite.Queue("triage-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, TimeSpan.FromSeconds(30), "the enabled listener should run");

            // ...while the triage message is still there, visible, and no triage listener ever started.
            Assert.Single((await azurite.Queue("triage").PeekMessagesAsync(cancellationToken: Ct)).Value);
            Assert.Contains(output, l => l.Contains("DispatchTriage is disabled", StringComparison.Ordinal));
            Assert.DoesNotContain(output, l => l.Contains("DispatchTriage listening", StringComparison.Ordinal));
            Assert.Contains(output, l => l.Contains("DispatchTriagePoison listening", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }
}
