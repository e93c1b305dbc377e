using Hotline.Tests.Infrastructure;

namespace Hotline.Tests.Dispatch;

/// <summary>
/// Dispatch tests get their own storage account (OwnAzurite): DispatchTriage's queue is always "triage", so sharing the
/// run's development account would let any other test app's listener take these messages (and these listeners
/// take theirs). The collection runs its tests one after another for the same reason.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DispatchTestGroup : ICollectionFixture<OwnAzurite>
{
    public const string Name = "Dispatch (own storage)";
}
