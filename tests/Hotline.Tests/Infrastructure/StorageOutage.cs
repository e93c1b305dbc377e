using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay in front of an Azurite's blob and queue ports that can take storage away and give
/// it back while the app keeps running: <see cref="Down"/> resets every open connection and every new one
/// (what an app sees when a storage front end fails over or the network path drops), <see cref="Up"/>
/// relays again. Azurite keeps its in-memory data through it. Written by hand: Toxiproxy and the like are
/// separate servers that cannot be installed here, and this needs nothing more than a byte relay.
/// </summary>
public sealed class StorageOutage : IAsyncDisposable
{
    private readonly Relay _blob;
    private readonly Relay _queue;
    private readonly string _connectionString;

    public StorageOutage(OwnAzurite storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        var azurite = storage.Azurite;
        _blob = new Relay(azurite.BlobPort);
        _queue = new Relay(azurite.QueuePort);
        _connectionString = storage.ConnectionString
            .Replace($":{azurite.BlobPort}/", $":{_blob.Port}/", StringComparison.Ordinal)
            .Replace($":{azurite.QueuePort}/", $":{_queue.Port}/", StringComparison.Ordinal);
    }

    /// <summary>The storage's connection string, through the relay.</summary>
    public string ConnectionString => _connectionString;

    public bool IsDown => _blob.IsDown;

    public void Down()
    {
        _blob.Down();
        _queue.Down();
    }

    public void Up()
    {
        _blob.Up();
        _queue.Up();
    }

    public async ValueTask DisposeAsync()
    {
        await _blob.DisposeAsync();
        await _queue.DisposeAsync();
    }

    private sealed class Relay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly int _upstream;
        private readonly ConcurrentDictionary<Socket, byte> _open = new();
        private readonly Task _accepting;
        private volatile bool _down;

        public Relay(int upstream)
        {
            _upstream = upstream;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public bool IsDown => _down;

        public void Down()
        {
            _down = true;
            foreach (var socket in _open.Keys)
            {
                Reset(socket);
            }
        }

        public void Up() => _down = false;

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var socket in _open.Keys)
            {
                Reset(socket);
            }
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptSocketAsync();
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    return;
                }

                if (_down)
                {
                    Reset(client);
                    continue;
                }

                _ = RelayAsync(client);
            }
        }

        private async Task RelayAsync(Socket client)
        {
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _open[client] = 0;
            _open[server] = 0;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _upstream);
                using var toServer = new NetworkStream(client, ownsSocket: false);
                using var toClient = new NetworkStream(server, ownsSocket: false);
                await Task.WhenAny(toServer.CopyToAsync(toClient), toClient.CopyToAsync(toServer));
            }
            catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
            {
                // Reset by Down(), or a peer went away: either way the pair is done.
            }
            finally
            {
                _open.TryRemove(client, out _);
                _open.TryRemove(server, out _);
                Reset(client);
                Reset(server);
            }
        }

        /// <summary>Closes with a TCP reset (linger 0), as a dropped path does, not a polite FIN.</summary>
        private static void Reset(Socket socket)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }
    }
}
