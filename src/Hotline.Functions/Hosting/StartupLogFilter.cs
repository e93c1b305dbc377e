namespace Hotline.Functions.Hosting;

/// <summary>
/// A start that fails on a setting is told in one line that names it (Program.cs). The host logs the same failure
/// as "Hosting failed to start" with its stack trace, above that line, where an operator reads the trace and not
/// the line. Until the app has started, the host's own errors are left to Program.cs: a failure it recognises is
/// the line; any other still reaches the terminal whole, as an unhandled exception. Once started, the host's
/// errors (a background service that faulted) are logged as before.
/// </summary>
internal static class StartupLogFilter
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static void AddTo(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var started = new StartedFlag();
        logging.AddFilter(HostCategory, level => level >= LogLevel.Information && (level < LogLevel.Error || started.Value));
        logging.Services.AddHostedService(services => new StartedWatcher(services.GetRequiredService<IHostApplicationLifetime>(), started));
    }

    private sealed class StartedFlag
    {
        private volatile bool _value;

        public bool Value
        {
            get => _value;
            set => _value = value;
        }
    }

    private sealed class StartedWatcher(IHostApplicationLifetime lifetime, StartedFlag started) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() => started.Value = true);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
