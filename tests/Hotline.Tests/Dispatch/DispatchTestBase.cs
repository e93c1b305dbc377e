using System.Text.Json;
using Azure.Storage.Queues;
using Hotline.Dispatch;
using Hotline.Functions.ExpireCases;
using Hotline.Functions.DispatchDigest;
using Hotline.Functions.DispatchTriage;
using Hotline.Functions.DispatchTriagePoison;
using Hotline.Functions.EscalateAlert;
using Hotline.Functions.EscalateOverdue;
using Hotline.Functions.Http;
using Hotline.Functions.SweepUntriaged;
using Hotline.Tests.Infrastructure;
using Hotline.Triage;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// What dispatch tests share: the app on the collection's own storage account with a roster of stubbed phones,
/// the Twilio stub, and invocations made as the Functions host makes them, through the worker middleware.
/// </summary>
public abstract class DispatchTestBase(OwnAzurite storage) : IAsyncLifetime
{
    protected OwnAzurite Storage { get; } = storage;

    protected const string Amina = "+447700900101";
    protected const string Bilal = "+447700900102";
    protected const string Chloe = "+447700900103";
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    protected TwilioStub Stub { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        Stub = await TwilioStub.StartAsync();
        foreach (var name in new[] { "triage", "triage-poison" })
        {
            var queue = Queue(name);
            await queue.CreateIfNotExistsAsync(cancellationToken: Ct);
            await queue.ClearMessagesAsync(Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stub.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected static TriageMessage Message(Urgency urgency, bool? contactPaused = null) =>
        new("T" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant() + "-" + Guid.NewGuid().ToString("N")[..4].ToUpperInvariant(),
            Channel.Sms, urgency, new DateTimeOffset(2026, 11, 23, 10, 0, 5, TimeSpan.Zero), "ar", contactPaused);

    /// <summary>
    /// One invocation as the Functions host makes it through the worker: the queue message's text and the
    /// trigger's metadata (as JSON text), through the worker middleware into the <c>[Function]</c> method.
    /// True when it succeeded; false when it threw, so the host would retry (and finally poison) the message.
    /// </summary>
    protected static Task<bool> InvokeAsync(TestApp app, TriageMessage message, int dequeueCount = 1, string function = "DispatchTriage") =>
        InvokeAsync(app, message.ToJson(), dequeueCount, function);

    protected static async Task<bool> InvokeAsync(TestApp app, string body, int dequeueCount = 1, string function = "DispatchTriage")
    {
        // A scope per invocation, and the function made in it by constructor, as the worker's activator makes it.
        await using var scope = app.Services.CreateAsyncScope();
        var invocation = new WorkerInvocation(function, scope.ServiceProvider, triggerMetadata: new Dictionary<string, object?>
        {
            ["Id"] = JsonSerializer.Serialize(Guid.NewGuid().ToString()),
            ["DequeueCount"] = dequeueCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["InsertionTime"] = JsonSerializer.Serialize(DateTimeOffset.UtcNow),
        });
        var middleware = ActivatorUtilities.CreateInstance<WorkerHttpMiddleware>(app.Services);
        try
        {
            await middleware.Invoke(invocation, context => function switch
            {
                DispatchTriageFunction.FunctionName => ActivatorUtilities.CreateInstance<DispatchTriageFunction>(context.InstanceServices).Run(body, context, Ct),
                DispatchTriagePoisonFunction.FunctionName => ActivatorUtilities.CreateInstance<DispatchTriagePoisonFunction>(context.InstanceServices).Run(body, context, Ct),
                DispatchDigestFunction.FunctionName => ActivatorUtilities.CreateInstance<DispatchDigestFunction>(context.InstanceServices).Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), Ct),
                EscalateAlertFunction.FunctionName => ActivatorUtilities.CreateInstance<EscalateAlertFunction>(context.InstanceServices).Run(body, context, Ct),
                EscalateOverdueFunction.FunctionName => ActivatorUtilities.CreateInstance<EscalateOverdueFunction>(context.InstanceServices).Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), Ct),
                SweepUntriagedFunction.FunctionName => ActivatorUtilities.CreateInstance<SweepUntriagedFunction>(context.InstanceServices).Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), Ct),
                ExpireCasesFunction.FunctionName => ActivatorUtilities.CreateInstance<ExpireCasesFunction>(context.InstanceServices).Run(new Microsoft.Azure.Functions.Worker.TimerInfo(), Ct),
                _ => throw new ArgumentOutOfRangeException(nameof(function)),
            });
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return false;
        }
    }

    protected QueueClient Queue(string name) =>
        new(Storage.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    protected Task<TestApp> StartAsync(bool listeners, int responders = 2, Dictionary<string, string?>? extra = null, Action<IServiceCollection>? afterApp = null)
    {
        var settings = TestApp.BaseSettings(Storage.ConnectionString);
        settings["AzureWebJobs:DispatchTriage:Disabled"] = listeners ? "false" : "true";
        settings["AzureWebJobs:DispatchTriagePoison:Disabled"] = listeners ? "false" : "true";
        settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.200";
        settings["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00";
        settings["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "3";
        Stub.Configure(settings);
        // Long enough that a loaded machine does not time out an attempt the stub has already answered (its retry
        // would be a second SMS); the hang test waits it out once. The pacing tests set 300 ms, their bound.
        settings["Hotline:Dispatch:Http:AttemptTimeout"] = "00:00:02";
        settings["Hotline:Dispatch:Http:TotalTimeout"] = "00:00:10";
        settings["Hotline:Dispatch:Http:MaxRetries"] = "3";
        settings["Hotline:Dispatch:Http:RetryBaseDelay"] = "00:00:00.020";
        settings["Responders:0:Name"] = "Amina";
        settings["Responders:0:Phone"] = Amina;
        if (responders > 1)
        {
            settings["Responders:1:Name"] = "Bilal";
            settings["Responders:1:Phone"] = Bilal;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        return TestApp.StartAsync(settings, afterApp: afterApp, cancellationToken: Ct);
    }

    /// <summary>No phone number (responders' or the hotline's), token or webhook address in any log line.</summary>
    protected static void AssertNothingSecretLogged(TestApp app)
    {
        var text = app.Logs.AllText;
        foreach (var secret in new[] { Amina, Bilal, Chloe, TwilioStub.FromNumber, TwilioStub.AuthToken, "/hooks/", "+4477" })
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' logged: {app.Logs.Lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal))}");
        }
    }
}
