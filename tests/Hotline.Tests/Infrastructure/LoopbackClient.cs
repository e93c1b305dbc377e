using System.Net;
using System.Net.Sockets;

namespace Hotline.Tests.Infrastructure;

/// <summary>
/// An HTTP client whose connections come from a chosen loopback address (any of 127.0.0.0/8 on Linux), so one
/// machine can stand for many clients and networks as the app's admission sees them.
/// </summary>
public static class LoopbackClient
{
    public static HttpClient From(IPAddress local, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(local);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress };
    }

    /// <summary>The client 127.a.b.c of a loopback "network" a.b.</summary>
    public static IPAddress Address(int a, int b, int c) => new([127, (byte)a, (byte)b, (byte)c]);
}
