using System.Net;
using System.Net.Sockets;

namespace HttpUpgrade.Sample.Tests.Infrastructure;

/// <summary>Loopback ports for programs that must be told their port (redis-server, nginx) rather than pick one.</summary>
public static class FreePort
{
    /// <summary>A port the kernel just handed out and took back: free now, and not handed out again soon.</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
