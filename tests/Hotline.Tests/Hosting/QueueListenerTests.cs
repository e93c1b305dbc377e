using Azure.Storage.Queues;
using Hotline.Functions.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Hosting;

public sealed class QueueListenerTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Listener_MessageSucceeds_RunsOnceAndDeletesIt()
    {
        var queueName = UniqueQueue();
        await using var app = await StartAsync(queueName, new Dictionary<string, string?>());
        var queue = Queue(queueName);
        await queue.SendMessageAsync("{\"hello\":\"world\"}", TestContext.Current.CancellationToken);

        var function = app.Services.GetRequiredService<RecordingQueueFunction>();
        await Eventually.TrueAsync(() => Task.FromResult(!function.Received.IsEmpty), Patience);
        await Eventually.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);

        var received = Assert.Single(function.Received);
        Assert.Equal("{\"hello\":\"world\"}", received.Body);
        Assert.Equal(1, received.DequeueCount);
        Assert.False(await Queue(queueName + "-poison").ExistsAsync(TestContext.Current.CancellationToken) && (await Queue(queueName + "-poison").PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value.Length > 0);
    }

    [Fact]
    public async Task Listener_MessageKeepsFailing_MovesToPoisonAfterMaxDequeueCount()
    {
        var queueName = UniqueQueue();
        await using var app = await StartAsync(queueName, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00",
        });
        await Queue(queueName).SendMessageAsync("please fail", TestContext.Current.CancellationToken);

        var poison = Queue(queueName + "-poison");
        await Eventually.TrueAsync(async () => await poison.ExistsAsync() && (await poison.PeekMessagesAsync()).Value.Length == 1, Patience);

        var function = app.Services.GetRequiredService<RecordingQueueFunction>();
        Assert.Equal([1L, 2L, 3L], function.Received.Select(m => m.DequeueCount).Order());
        var poisoned = Assert.Single((await poison.PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value);
        Assert.Equal("please fail", poisoned.Body.ToString());
        Assert.Equal(0, (await Queue(queueName).GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);

        // TTL -1: the poison message never expires on its own.
        var received = (await poison.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken)).Value.Single();
        Assert.Equal(9999, received.ExpiresOn?.Year);
    }

    [Fact]
    public async Task Listener_DisabledByAzureWebJobsSetting_LeavesMessagesAlone()
    {
        var queueName = UniqueQueue();
        await using var app = await StartAsync(queueName, new Dictionary<string, string?>
        {
            ["AzureWebJobs:" + RecordingQueueFunction.FunctionName + ":Disabled"] = "true",
        });
        await Queue(queueName).SendMessageAsync("nobody should run this", TestContext.Current.CancellationToken);

        // Prove the app is otherwise live, then give a listener several polls' worth of time.
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);

        Assert.Empty(app.Services.GetRequiredService<RecordingQueueFunction>().Received);
        Assert.Equal(1, (await Queue(queueName).GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.Contains(app.Logs.Lines, l => l.Contains("is disabled", StringComparison.Ordinal));
    }

    internal static string UniqueQueue() => "test-" + Guid.NewGuid().ToString("N")[..20];

    private QueueClient Queue(string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private async Task<TestApp> StartAsync(string queueName, Dictionary<string, string?> extra)
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        await Queue(queueName).CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        return await TestApp.StartAsync(settings, configureServices: (services, configuration) =>
        {
            services.AddSingleton(new RecordingQueueFunction.Behaviour(queueName));
            services.AddQueueFunction<RecordingQueueFunction>(configuration);
        });
    }
}
