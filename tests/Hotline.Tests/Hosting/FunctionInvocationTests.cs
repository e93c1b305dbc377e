using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Hotline.Functions.Hosting;
using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Hosting;

/// <summary>The custom-handler contract for queue triggers, driven with payloads of the documented shape.</summary>
public sealed class FunctionInvocationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Invocation_DoubleEncodedStringPayload_DecodesMessageAndAnswersOutputsJson()
    {
        await using var app = await StartAsync(alwaysFail: false);
        var message = "{\"tipId\":\"K7QF-2M9X-4TJD\",\"urgency\":\"urgent\"}";
        // What the host sends: the message as a JSON string, JSON-encoded once more.
        var payload = $$"""
            {
              "Data": { "message": {{JsonSerializer.Serialize(JsonSerializer.Serialize(message))}} },
              "Metadata": {
                "DequeueCount": "2",
                "Id": "\"c8f0d2de-6b4f-4d4e-9b37-0f5d3b1b7e1a\"",
                "InsertionTime": "\"2026-11-23T10:00:00+00:00\"",
                "sys": { "MethodName": "RecordQueue", "UtcNow": "2026-11-23T10:00:01Z", "RandGuid": "b1c2" }
              }
            }
            """;

        using var response = await PostAsync(app, payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(JsonValueKind.Object, body.RootElement.GetProperty("Outputs").ValueKind);
        Assert.Equal(JsonValueKind.Array, body.RootElement.GetProperty("Logs").ValueKind);
        Assert.True(body.RootElement.TryGetProperty("ReturnValue", out _));

        var received = Assert.Single(app.Services.GetRequiredService<RecordingQueueFunction>().Received);
        Assert.Equal(message, received.Body);
        Assert.Equal(2, received.DequeueCount);
        Assert.Equal("c8f0d2de-6b4f-4d4e-9b37-0f5d3b1b7e1a", received.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), received.InsertedOn);
    }

    [Theory]
    [InlineData("{\"Data\":{\"message\":\"{\\\"a\\\":1}\"},\"Metadata\":{\"DequeueCount\":1}}", "{\"a\":1}", 1)]
    [InlineData("{\"Data\":{\"message\":{\"a\":1}},\"Metadata\":{\"DequeueCount\":3}}", "{\"a\":1}", 3)]
    [InlineData("{\"data\":{\"message\":\"plain text\"},\"metadata\":{\"dequeueCount\":\"4\"}}", "plain text", 4)]
    [InlineData("{\"Data\":{\"message\":\"\\\"\\\\\\\"nested\\\\\\\"\\\"\"}}", "nested", 1)]
    public async Task Invocation_DocumentedShapes_DecodeToTheSameMessage(string payload, string expectedBody, long expectedDequeueCount)
    {
        await using var app = await StartAsync(alwaysFail: false);

        using var response = await PostAsync(app, payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(app.Services.GetRequiredService<RecordingQueueFunction>().Received);
        Assert.Equal(expectedBody, received.Body);
        Assert.Equal(expectedDequeueCount, received.DequeueCount);
    }

    [Fact]
    public async Task Invocation_HandlerThrows_AnswersNon2xxSoTheHostRetries()
    {
        await using var app = await StartAsync(alwaysFail: true);

        using var response = await PostAsync(app, "{\"Data\":{\"message\":\"\\\"x\\\"\"},\"Metadata\":{\"DequeueCount\":1}}");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Contains("RecordQueue failed", body.RootElement.GetProperty("Logs")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"Data\":{}}")]
    [InlineData("[1,2]")]
    public async Task Invocation_PayloadWithoutTheBinding_Answers400(string payload)
    {
        await using var app = await StartAsync(alwaysFail: false);

        using var response = await PostAsync(app, payload);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Services.GetRequiredService<RecordingQueueFunction>().Received);
    }

    [Fact]
    public async Task App_UnderFunctionsHost_ListensOnCustomHandlerPortAndRunsNoListener()
    {
        var queueName = QueueListenerTests.UniqueQueue();
        var queue = new QueueClient(azurite.ConnectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync(cancellationToken: TestContext.Current.CancellationToken);
        await queue.SendMessageAsync("left for the host", TestContext.Current.CancellationToken);
        var port = FreePort();
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";

        await using var app = await TestApp.StartAsync(settings, configureServices: (services, configuration) =>
        {
            services.AddSingleton(new RecordingQueueFunction.Behaviour(queueName));
            services.AddQueueFunction<RecordingQueueFunction>(configuration);
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(new Uri($"http://127.0.0.1:{port}/"), app.BaseAddress);
        Assert.Equal(HttpStatusCode.OK, (await app.Http.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken)).StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Empty(app.Services.GetRequiredService<RecordingQueueFunction>().Received);
        Assert.Equal(1, (await queue.GetPropertiesAsync(TestContext.Current.CancellationToken)).Value.ApproximateMessagesCount);
    }

    [Fact]
    public void FunctionJson_EveryQueueFunction_HasAFolderWithAQueueTriggerOfTheSameBinding()
    {
        // The contract between code and host: each IQueueFunction the app registers must be
        // described by <Name>/function.json with a queueTrigger on its queue and binding name.
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        using var app = (IDisposable)TestApp.Build(settings, new LogCapture());
        foreach (var function in ((Microsoft.AspNetCore.Builder.WebApplication)app).Services.GetServices<IQueueFunction>())
        {
            var path = Path.Combine(AppContext.BaseDirectory, function.Name, "function.json");
            Assert.True(File.Exists(path), path);
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var trigger = doc.RootElement.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "queueTrigger");
            Assert.Equal(function.QueueName, trigger.GetProperty("queueName").GetString());
            Assert.Equal(function.BindingName, trigger.GetProperty("name").GetString());
            Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task<HttpResponseMessage> PostAsync(TestApp app, string payload) =>
        app.Http.PostAsync(
            new Uri("/" + RecordingQueueFunction.FunctionName, UriKind.Relative),
            new StringContent(payload, Encoding.UTF8, "application/json"),
            TestContext.Current.CancellationToken);

    private Task<TestApp> StartAsync(bool alwaysFail)
    {
        var queueName = QueueListenerTests.UniqueQueue();
        var settings = TestApp.BaseSettings(azurite.ConnectionString);
        settings["AzureWebJobs:" + RecordingQueueFunction.FunctionName + ":Disabled"] = "true";
        return TestApp.StartAsync(settings, configureServices: (services, configuration) =>
        {
            services.AddSingleton(new RecordingQueueFunction.Behaviour(queueName, alwaysFail));
            services.AddQueueFunction<RecordingQueueFunction>(configuration);
        }, cancellationToken: TestContext.Current.CancellationToken);
    }
}
