using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// Dispatch tests get their own Azurite: DispatchTriage's queue is always "triage", so sharing the
/// run's Azurite would let any other test app's listener take these messages (and these listeners
/// take theirs). The collection runs its tests one after another for the same reason.
/// </summary>
public sealed class DispatchStorage : IAsyncLifetime
{
    private Azurite? _azurite;

    public string ConnectionString => (_azurite ?? throw new InvalidOperationException("Azurite has not started.")).ConnectionString;

    public async ValueTask InitializeAsync() => _azurite = await Azurite.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class DispatchTestGroup : ICollectionFixture<DispatchStorage>
{
    public const string Name = "Dispatch (own Azurite)";
}
