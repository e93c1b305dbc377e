using Hotline.Storage;
using Microsoft.Extensions.Options;

namespace Hotline.Functions.Hosting;

/// <summary>The storage connection as an option, so a missing or malformed <c>AzureWebJobsStorage</c> stops start-up.</summary>
internal sealed class StorageConnectionOptions
{
    public StorageConnection? Connection { get; set; }

    public string? Error { get; set; }
}

internal static class StorageSetup
{
    public static IServiceCollection AddHotlineStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageConnectionOptions>()
            .Configure(o =>
            {
                StorageConnection.TryCreate(configuration, out var connection, out var error);
                o.Connection = connection;
                o.Error = error;
            })
            .ValidateOnStartWith<StorageConnectionOptions, StorageConnectionValidator>();
        // Messages are written in the encoding the queue triggers read (host.json messageEncoding), under both hosts.
        services.AddSingleton(sp => new HotlineStorage(
            sp.GetRequiredService<IOptions<StorageConnectionOptions>>().Value.Connection!,
            new HotlineStorageOptions { MessageEncoding = sp.GetRequiredService<IOptions<QueueTriggerOptions>>().Value.Encoding }));
        return services;
    }

    private sealed class StorageConnectionValidator : IValidateOptions<StorageConnectionOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageConnectionOptions options) =>
            options.Error is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Error);
    }
}
