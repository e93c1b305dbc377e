using System.Collections.Concurrent;
using Azure.Core.Pipeline;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// The app's storage transport with faults on purpose: a chosen request reaches Azurite, Azurite carries it out,
/// and the answer is cut on its way back (a connection reset after the service committed, as a front end that
/// fails over or a dropped path does). The SDK sees a transport failure and retries a request storage already
/// carried out. Each matching request is cut once (by path), so the retry gets Azurite's real answer.
/// <see cref="Before"/> runs ahead of a request: what another writer does in between.
/// </summary>
/// <param name="cutAnswerOf">Which requests have their answer cut.</param>
public sealed class FaultyStorageTransport(Func<HttpRequestMessage, bool> cutAnswerOf) : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly ConcurrentDictionary<string, byte> _cut = new(StringComparer.Ordinal);

    /// <summary>At most this many answers are cut (by default, each matching request's once).</summary>
    public int Limit { get; init; } = int.MaxValue;

    /// <summary>Runs before each request is sent.</summary>
    public Func<HttpRequestMessage, CancellationToken, Task>? Before { get; init; }

    /// <summary>The blob names (container/blob) whose answer was cut.</summary>
    public IReadOnlyList<string> CutNames => [.. _cut.Keys.Order(StringComparer.Ordinal)];

    /// <summary>A create-once write (<c>If-None-Match: *</c>) of a report or a later message in <c>tips</c>.</summary>
    public static bool IsMessageCreate(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = BlobName(request);
        return request.Method == HttpMethod.Put
            && string.IsNullOrEmpty(request.RequestUri!.Query)
            && name.StartsWith("tips/", StringComparison.Ordinal)
            && (name.EndsWith("/report", StringComparison.Ordinal) || name.Contains("/message-", StringComparison.Ordinal))
            && request.Headers.TryGetValues("If-None-Match", out var match) && match.Contains("*");
    }

    /// <summary>container/blob of a request to Azurite (its path starts with the account name).</summary>
    public static string BlobName(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath).TrimStart('/');
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? string.Empty : path[(slash + 1)..];
    }

    /// <summary>Makes the app's storage clients use this transport (after the app's own registration, so it wins).</summary>
    public void Install(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => new HotlineStorage(
            sp.GetRequiredService<IOptions<StorageConnectionOptions>>().Value.Connection!,
            new HotlineStorageOptions { Transport = new HttpClientTransport(this), MessageEncoding = sp.GetRequiredService<IOptions<QueueTriggerOptions>>().Value.Encoding }));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Before is { } before)
        {
            await before(request, cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode && cutAnswerOf(request) && TryTake(BlobName(request)))
        {
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ConnectionError, "The answer was cut after storage carried out the request (a test fault).", new IOException("Connection reset by peer."));
        }

        return response;
    }

    private bool TryTake(string name)
    {
        lock (_cut)
        {
            return _cut.Count < Limit && _cut.TryAdd(name, 0);
        }
    }
}
