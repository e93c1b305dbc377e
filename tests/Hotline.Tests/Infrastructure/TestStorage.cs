using Hotline.Storage;
using Microsoft.Extensions.Configuration;

namespace Hotline.Tests.Infrastructure;

/// <summary>The app's storage clients on a test's Azurite account, built as the app builds them from its setting.</summary>
public static class TestStorage
{
    public static HotlineStorage For(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [StorageConnection.SettingName] = connectionString }).Build();
        Assert.True(StorageConnection.TryCreate(configuration, out var connection, out var error), error);
        return new HotlineStorage(connection!);
    }
}
