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
}
