using Azure.Storage.Queues;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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

        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Eventually.TrueAsync(() => Task.FromResult(!function.Received.IsEmpty), Patience);
        await Eventually.TrueAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);

        var received = Assert.Single(function.Received);
        Assert.Equal("{\"hello\":\"world\"}", received.Body);
        Assert.Equal(1, received.DequeueCount);
        Assert.False(await Queue(queueName + "-poison").ExistsAsync(TestContext.Current.CancellationToken) && (await Queue(queueName + "-poison").PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value.Length > 0);
    }

    [Fact]
    public async Task Listener_EachMessage_RunsAFunctionMadeInItsOwnScope()
    {
        // As the worker's activator does: a new function per invocation, its services from that invocation's scope.
        var queueName = UniqueQueue();
        await using var app = await StartAsync(queueName, new Dictionary<string, string?>());
        await Queue(queueName).SendMessageAsync("one", TestContext.Current.CancellationToken);
        await Queue(queueName).SendMessageAsync("two", TestContext.Current.CancellationToken);

        var recording = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Eventually.TrueAsync(() => Task.FromResult(recording.Made.Count == 2), Patience);

        var made = recording.Made.ToArray();
        Assert.NotSame(made[0].Function, made[1].Function);
        Assert.NotSame(made[0].Scope, made[1].Scope);
    }

    [Fact]
    public void Listener_QueueNameSettingUnset_StopsStartUpNamingIt()
    {
        var ex = Assert.Throws<StartupException>(() => TestApp.Build(
            TestApp.BaseSettings(azurite.ConnectionString),
            new LogCapture(),
            configureServices: (services, configuration) => services.AddQueueFunction<RecordingQueueFunction>(configuration)));

        Assert.Equal($"{RecordingQueueFunction.QueueSetting} is not set: {RecordingQueueFunction.FunctionName}'s trigger reads it (%{RecordingQueueFunction.QueueSetting}%).", ex.Message);
    }

    [Fact]
    public async Task Listener_LongRunningMessageInFlight_PicksUpANewMessageBeforeItEnds()
    {
        // The host's newBatchThreshold: a batch still running (alerts waiting for SMS slots) must not keep
        // a newly queued message, an urgent alert, from being picked up. Before, the listener waited for
        // the whole batch.
        var queueName = UniqueQueue();
        await using var app = await StartAsync(
            queueName,
            new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:batchSize"] = "4", ["AzureFunctionsJobHost:extensions:queues:newBatchThreshold"] = "2" },
            runTime: TimeSpan.FromSeconds(20));
        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Queue(queueName).SendMessageAsync("slow one", TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => Task.FromResult(function.Received.Count == 1), Patience);

        await Queue(queueName).SendMessageAsync("urgent one", TestContext.Current.CancellationToken);

        // Well within the first message's 20 s run.
        await Eventually.TrueAsync(() => Task.FromResult(function.Received.Count == 2), TimeSpan.FromSeconds(10), "the new message should be picked up while the first still runs");
        Assert.Equal(["slow one", "urgent one"], function.Received.Select(m => m.Body));
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

        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
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

        // Prove the app is otherwise live. Nothing needs time to show that nothing polls: a disabled function gets no
        // listener at all (each queue function's listener is a hosted service of the app, this one is not among them).
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("/api/health", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>().OfType<QueueListener>(), l => l.FunctionName == RecordingQueueFunction.FunctionName);

        Assert.Empty(app.Services.GetRequiredService<RecordingQueueFunction.Recording>().Received);
        Assert.Equal(1, (await Queue(queueName).GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.Contains(app.Logs.Lines, l => l.Contains("is disabled", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listener_MessageNotBase64_MovesItToPoisonAtOnceAndRunsTheRestOfTheBatch()
    {
        const string NotBase64 = "{\"hello\": not base64 at all}";
        var queueName = UniqueQueue();
        await RawQueue(queueName).CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await RawQueue(queueName).SendMessageAsync(NotBase64, TestContext.Current.CancellationToken);
        await Queue(queueName).SendMessageAsync("{\"good\":1}", TestContext.Current.CancellationToken);
        await Queue(queueName).SendMessageAsync("{\"good\":2}", TestContext.Current.CancellationToken);

        await using var app = await StartAsync(queueName, new Dictionary<string, string?>());

        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        var poison = RawQueue(queueName + "-poison");
        await Eventually.TrueAsync(async () => (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience, "every message should leave the queue");
        Assert.Equal(["{\"good\":1}", "{\"good\":2}"], function.Received.Select(m => m.Body).Order(StringComparer.Ordinal));
        var poisoned = Assert.Single((await poison.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken)).Value);
        Assert.Equal(NotBase64, poisoned.Body.ToString());
        Assert.Equal(9999, poisoned.ExpiresOn?.Year);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("hello", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listener_PoisonQueueMessageNotBase64_HandsItsRawTextToTheFunction()
    {
        // A poison queue is the last stop: what cannot be decoded there still reaches its function.
        const string NotBase64 = "%% not base64 %%";
        var queueName = UniqueQueue() + "-poison";
        await RawQueue(queueName).CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await RawQueue(queueName).SendMessageAsync(NotBase64, TestContext.Current.CancellationToken);

        await using var app = await StartAsync(queueName, new Dictionary<string, string?>());

        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Eventually.TrueAsync(async () => (await Queue(queueName).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0, Patience);
        var received = Assert.Single(function.Received);
        Assert.Equal(NotBase64, received.Body);
        Assert.Equal(0, (await Queue(queueName + "-poison").GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Listener_MessageEncodingNone_ReadsStoredTextAsItIsAndTheAppWritesItSo()
    {
        // "aGVsbG8=" is valid base64: with messageEncoding none it must reach the function as it is, not as "hello".
        const string AppText = "{\"sent\":\"by the app\"}";
        var queueName = UniqueQueue();
        await using var app = await StartAsync(queueName, new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:messageEncoding"] = "None" });
        await RawQueue(queueName).SendMessageAsync("aGVsbG8=", TestContext.Current.CancellationToken);
        var storage = app.Services.GetRequiredService<HotlineStorage>();
        await storage.Queue(queueName).SendMessageAsync(AppText, TestContext.Current.CancellationToken);

        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Eventually.TrueAsync(() => Task.FromResult(function.Received.Count == 2), Patience, "both messages should be run");
        Assert.Equal(["aGVsbG8=", AppText], function.Received.Select(m => m.Body).Order(StringComparer.Ordinal));
        Assert.Equal(AppText, await StoredTextAsync(storage, AppText));
        Assert.Empty((await RawQueue(queueName + "-poison").PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value);
    }

    [Fact]
    public async Task Listener_MessageEncodingDefault_DecodesBase64AndTheAppWritesBase64()
    {
        const string AppText = "{\"sent\":\"by the app\"}";
        var queueName = UniqueQueue();
        await using var app = await StartAsync(queueName, new Dictionary<string, string?>());
        var storage = app.Services.GetRequiredService<HotlineStorage>();
        await storage.Queue(queueName).SendMessageAsync(AppText, TestContext.Current.CancellationToken);

        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Eventually.TrueAsync(() => Task.FromResult(!function.Received.IsEmpty), Patience);
        Assert.Equal(AppText, Assert.Single(function.Received).Body);
        Assert.Equal(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(AppText)), await StoredTextAsync(storage, AppText));
    }

    [Fact]
    public async Task Listener_RunOutlastsTheMessageLease_RenewsItSoTheMessageIsDeliveredOnceAndDeleted()
    {
        var queueName = UniqueQueue();
        await using var app = await StartAsync(
            queueName,
            new Dictionary<string, string?> { ["Hotline:Queues:MessageLease"] = "00:00:02" },
            runTime: TimeSpan.FromSeconds(7));
        var queue = Queue(queueName);
        await queue.SendMessageAsync("{\"slow\":true}", TestContext.Current.CancellationToken);
        var function = app.Services.GetRequiredService<RecordingQueueFunction.Recording>();
        await Eventually.TrueAsync(() => Task.FromResult(!function.Received.IsEmpty), Patience);

        // Another instance polling the same queue while the run goes on (far past the 2 s lease) must never get the message.
        while ((await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount > 0)
        {
            var taken = (await queue.ReceiveMessagesAsync(1, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken)).Value;
            Assert.True(taken.Length == 0, "the message became visible while its run was still going on");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        var received = Assert.Single(function.Received);
        Assert.Equal(1, received.DequeueCount);
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("settling message", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listener_MessageFails_StaysInvisibleForVisibilityTimeoutBeforeItsRetry()
    {
        var queueName = UniqueQueue();
        var visibilityTimeout = TimeSpan.FromHours(1);
        await using var app = await StartAsync(queueName, new Dictionary<string, string?>
        {
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "01:00:00",
        });
        await Queue(queueName).SendMessageAsync("please fail", TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(() => Task.FromResult(app.Logs.Lines.Any(l => l.Contains("will be retried at", StringComparison.Ordinal))), Patience, "the failed message should be put back");

        // The server's NextVisibleOn for the retry, from the listener's log, against the server's insertion time.
        var nextVisibleOn = DateTimeOffset.Parse(
            System.Text.RegularExpressions.Regex.Match(app.Logs.Lines.First(l => l.Contains("will be retried at", StringComparison.Ordinal)), @"NextVisibleOn=(\S+?)[,\]]").Groups[1].Value,
            System.Globalization.CultureInfo.InvariantCulture);
        var delivery = Assert.Single(app.Services.GetRequiredService<RecordingQueueFunction.Recording>().Received);
        Assert.Equal(1, delivery.DequeueCount);
        Assert.True(nextVisibleOn >= delivery.InsertedOn!.Value + visibilityTimeout, $"next visible {nextVisibleOn:O}, inserted {delivery.InsertedOn:O}");
        Assert.Equal(1, (await Queue(queueName).GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
        Assert.Empty((await Queue(queueName).PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value);
    }

    [Fact]
    public async Task Listener_FirstStartOnEmptyStorage_StartsPollingOnceTheQueuesExistWithoutWarnings()
    {
        // On a first start the queues do not exist yet: polling them at once warned "Polling queue ... failed
        // (status 404)" for every queue before the app had created them.
        await using var empty = await Azurite.StartAsync(TestContext.Current.CancellationToken);
        var settings = TestApp.BaseSettings(empty.ConnectionString);
        settings["AzureWebJobs:DispatchTriage:Disabled"] = "false";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";

        await using var app = await TestApp.StartAsync(settings, cancellationToken: TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(() => Task.FromResult(app.Logs.Lines.Any(l => l.Contains("DispatchTriage listening on queue triage", StringComparison.Ordinal))), Patience, "the listener should start");
        var receiver = new QueueClient(empty.ConnectionString, "triage");
        await receiver.SendMessageAsync("not a triage message", TestContext.Current.CancellationToken);
        await Eventually.TrueAsync(async () => (await receiver.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount == 0, Patience, "the listener should poll and take the message");

        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("Polling queue", StringComparison.Ordinal));
    }

    /// <summary>What the app's queue client stores for <paramref name="text"/>, read back raw from a queue no listener reads.</summary>
    private async Task<string> StoredTextAsync(HotlineStorage storage, string text)
    {
        var unread = UniqueQueue();
        await RawQueue(unread).CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await storage.Queue(unread).SendMessageAsync(text, TestContext.Current.CancellationToken);
        return Assert.Single((await RawQueue(unread).PeekMessagesAsync(cancellationToken: TestContext.Current.CancellationToken)).Value).Body.ToString();
    }

    internal static string UniqueQueue() => "test-" + Guid.NewGuid().ToString("N")[..20];

    private QueueClient Queue(string name) =>
        new(azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>A client that writes and reads message text as it is stored (no base64).</summary>
    private QueueClient RawQueue(string name) => new(azurite.ConnectionString, name);

    private async Task<TestApp> StartAsync(string queueName, Dictionary<string, string?> extra, TimeSpan runTime = default)
    {
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        foreach (var (k, v) in extra)
        {
            settings[k] = v;
        }

        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        settings[RecordingQueueFunction.QueueSetting] = queueName;
        await Queue(queueName).CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        return await TestApp.StartAsync(settings, configureServices: (services, configuration) =>
        {
            services.AddSingleton(new RecordingQueueFunction.Recording { RunTime = runTime });
            services.AddScoped<RecordingQueueFunction.InvocationScope>();
            services.AddQueueFunction<RecordingQueueFunction>(configuration);
        });
    }
}
