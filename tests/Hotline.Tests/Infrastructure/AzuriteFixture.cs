namespace Hotline.Tests.Infrastructure;

/// <summary>
/// One Azurite for the whole test run; tests isolate themselves by their own apps and data, and a class that needs
/// storage of its own takes a spare account of this Azurite (<see cref="OwnAzurite"/>).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // More than the classes and collections that take an account (about twenty): once they are all taken, an
    // OwnAzurite starts an Azurite of its own, as every one did before.
    private const int SpareAccounts = 48;

    private Azurite? _azurite;

    public Azurite Azurite => _azurite ?? throw new InvalidOperationException("Azurite has not started.");

    public string ConnectionString => Azurite.ConnectionString;

    public async ValueTask InitializeAsync() => _azurite = await Azurite.StartAsync("node", SpareAccounts, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        // The whole run's privacy check: no registered tip text or phone number in any log line.
        var leaked = PrivacyCanaries.FoundIn(LogCapture.WholeRun.AllText).ToList();
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        if (leaked.Count > 0)
        {
            throw new InvalidOperationException($"{leaked.Count} privacy canaries appeared in the run's logs, e.g. one of {leaked[0].Length} characters.");
        }
    }
}
