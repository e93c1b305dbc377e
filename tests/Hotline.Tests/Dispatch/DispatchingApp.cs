using Hotline.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// An app that alerts as a deployment does: DispatchTriage and its poison handler on (polling every half second),
/// Twilio's API stubbed, one responder on the roster.
/// </summary>
public sealed class DispatchingApp : IAsyncDisposable
{
    public const string PublicBase = "https://hotline.example.org";

    private DispatchingApp(TwilioStub twilio, TestApp app)
    {
        Twilio = twilio;
        App = app;
    }

    public TwilioStub Twilio { get; }

    public TestApp App { get; }

    /// <param name="afterApp">Services registered after the app's own (exporters, as in production).</param>
    public static async Task<DispatchingApp> StartAsync(string storageConnectionString, string responderPhone, Action<IServiceCollection>? afterApp = null, CancellationToken cancellationToken = default)
    {
        var twilio = await TwilioStub.StartAsync();
        try
        {
            var settings = TestApp.BaseSettings(storageConnectionString);
            settings["AzureWebJobs:DispatchTriage:Disabled"] = "false";
            settings["AzureWebJobs:DispatchTriagePoison:Disabled"] = "false";
            settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.500";
            twilio.Configure(settings, PublicBase);
            settings["Responders:0:Name"] = "On call";
            settings["Responders:0:Phone"] = responderPhone;
            return new DispatchingApp(twilio, await TestApp.StartAsync(settings, afterApp: afterApp, cancellationToken: cancellationToken));
        }
        catch
        {
            await twilio.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Twilio.DisposeAsync();
    }
}
