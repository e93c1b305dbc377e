using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Hotline.Tests.Infrastructure;

/// <summary>A storage endpoint that accepts connections and never answers (a hung network path or a slow token).</summary>
public sealed class SilentStorage : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<Socket> _sockets = [];

    public SilentStorage()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Connections => _sockets.Count;

    public string ConnectionString
    {
        get
        {
            var endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/devstoreaccount1";
            return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint={endpoint};QueueEndpoint={endpoint};";
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                _sockets.Add(await _listener.AcceptSocketAsync());
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }
}
