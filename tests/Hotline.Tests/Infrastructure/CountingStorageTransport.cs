using Azure.Core.Pipeline;
using Hotline.Functions.Hosting;
using Hotline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// The app's storage transport, recording every request it sends while <see cref="Watch"/> is open: what was asked
/// (method, container and kind of name) and how deep in a chain of waits it stood. A request's depth is one more than
/// the deepest request that had already been answered when it started: requests sent together (<c>Task.WhenAll</c>)
/// share a depth, and a request sent only after another's answer stands one deeper. The deepest is the number of
/// storage round trips the caller waited for one after another.
/// <para>
/// Each answer is handed back <see cref="Latency"/> late, as a storage account across a network answers: Azurite on
/// loopback answers in well under a millisecond, so on two busy cores the first of two requests sent together was
/// sometimes answered before the second was even handed to the transport, and counted as a wait it was not.
/// </para>
/// </summary>
public sealed class CountingStorageTransport() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly Lock _gate = new();
    private List<StorageRequest>? _window;
    private int _answeredDepth;

    /// <summary>What each answer is delayed by: far longer than a thread is held up between two sends of one batch.</summary>
    public static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(20);

    /// <summary>One request to storage: what it was and its depth in the chain.</summary>
    public sealed record StorageRequest(string What, int Depth);

    /// <summary>Starts recording; dispose the result to stop and read what was sent meanwhile.</summary>
    public Recording Watch()
    {
        lock (_gate)
        {
            _window = [];
            _answeredDepth = 0;
            return new Recording(this);
        }
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
        int depth;
        lock (_gate)
        {
            depth = _answeredDepth + 1;
            _window?.Add(new StorageRequest(Describe(request), depth));
        }

        var response = await base.SendAsync(request, cancellationToken);
        await Task.Delay(Latency, cancellationToken);
        lock (_gate)
        {
            _answeredDepth = Math.Max(_answeredDepth, depth);
        }

        return response;
    }

    /// <summary>
    /// "PUT tips/report", "GET intake/conversations", "POST queue triage": the method, the container and the kind of
    /// name (the lower-case words of its path: ids and hashes are upper-case, hex or longer), so a count says what was asked without holding a name.
    /// </summary>
    private static string Describe(HttpRequestMessage request)
    {
        var segments = FaultyStorageTransport.BlobName(request).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length >= 2 && segments[^1] == "messages")
        {
            return $"{request.Method} queue {segments[0]}";
        }

        var words = segments.Skip(1).Select(s => s.Split('-')[0]).Where(w => w.Length is > 0 and <= 16 && w.All(char.IsAsciiLetterLower));
        return string.Join('/', new[] { $"{request.Method} {(segments.Length > 0 ? segments[0] : "(account)")}" }.Concat(words));
    }

    /// <summary>What was sent while a watch was open.</summary>
    public sealed class Recording(CountingStorageTransport transport) : IDisposable
    {
        private List<StorageRequest>? _requests;

        /// <summary>Every request, in the order sent (available once disposed).</summary>
        public IReadOnlyList<StorageRequest> Requests => _requests ?? throw new InvalidOperationException("Dispose the recording first.");

        /// <summary>The storage round trips waited for one after another.</summary>
        public int InSequence => Requests.Count == 0 ? 0 : Requests.Max(r => r.Depth);

        public void Dispose()
        {
            lock (transport._gate)
            {
                _requests = transport._window ?? [];
                transport._window = null;
            }
        }
    }
}
