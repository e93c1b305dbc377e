using System.Net;
using System.Text.Json;
using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Hosting;

public sealed class HealthTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Health_StorageReachable_Returns200Healthy()
    {
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(azurite.ConnectionString), cancellationToken: TestContext.Current.CancellationToken);

        using var response = await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Health_AzuriteStopped_Returns503AndRootStillAnswers()
    {
        var own = await Azurite.StartAsync(TestContext.Current.CancellationToken);
        await using var app = await TestApp.StartAsync(TestApp.BaseSettings(own.ConnectionString), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);

        await own.DisposeAsync();

        using var response = await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Start_StorageNeverAnswers_ServesRootBeforeStorageIsInitialisedAndHealthSays503()
    {
        using var storage = new SilentStorage();
        await using var app = await TestApp.StartBeforeStorageIsReadyAsync(TestApp.BaseSettings(storage.ConnectionString), cancellationToken: TestContext.Current.CancellationToken);

        // The app is up while its first storage attempt still waits for an answer: start-up did not wait for it.
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("Storage ready", StringComparison.Ordinal) || l.Contains("Storage is not reachable", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        await Eventually.TrueAsync(() => Task.FromResult(storage.Connections > 0), TimeSpan.FromSeconds(30), "the app should be trying to create its containers and queues");

        using var response = await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("Storage ready", StringComparison.Ordinal));
    }
}
