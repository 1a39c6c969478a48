using System;
using System.Collections.Generic;

namespace HttpUpgrade.Tests;

/// <summary>A hand-written registry: a linear scan over registrations that share a name only when adjacent.</summary>
internal sealed class TestRegistry : IUpgradeRegistry
{
    private readonly UpgradeRegistration[] _registrations;

    public TestRegistry(params UpgradeRegistration[] registrations) => _registrations = registrations;

    public IReadOnlyList<UpgradeRegistration> Registrations => _registrations;

    public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
    {
        for (int start = 0; start < _registrations.Length; start++)
        {
            if (name.Equals(_registrations[start].Name, StringComparison.OrdinalIgnoreCase))
            {
                int end = start + 1;
                while (end < _registrations.Length && name.Equals(_registrations[end].Name, StringComparison.OrdinalIgnoreCase))
                {
                    end++;
                }

                return _registrations.AsSpan(start, end - start);
            }
        }

        return default;
    }
}

/// <summary>Builds registrations from comma-separated lists, the way <c>[UpgradeProtocol]</c> spells them.</summary>
internal static class Registrations
{
    /// <summary>
    /// A registration whose handler is the test handler class named <paramref name="handler"/> (see <see cref="TestHandlers"/>):
    /// a WebSocket one for <c>websocket</c>, a raw-stream one otherwise.
    /// </summary>
    public static UpgradeRegistration Create(string name, string versions = "", string subProtocols = "", string handler = "Handler")
    {
        Type type = TestHandlers.Named(handler);
        return RegistrationRules.IsWebSocket(name)
            ? new WebSocketHandlerRegistration(name, Split(versions), Split(subProtocols), type, static _ => new TestHandlers.Handler())
            : new UpgradeHandlerRegistration(name, Split(versions), Split(subProtocols), type, static _ => new TestHandlers.Handler());
    }

    public static UpgradeNegotiator Negotiator(params UpgradeRegistration[] registrations)
        => new(new TestRegistry(registrations));

    public static UpgradeNegotiator RequiringNegotiator(params UpgradeRegistration[] registrations)
        => new(new TestRegistry(registrations), new UpgradeNegotiatorOptions { RequireUpgrade = true });

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Handler classes for hand-written registrations, one per name the tests use, so that a test can tell which handler
/// a decision selected (<see cref="UpgradeRegistration.HandlerType"/>). None is ever run.
/// </summary>
internal static class TestHandlers
{
    private static readonly Type[] s_types =
    [
        typeof(Handler), typeof(ChatHandler), typeof(AChatHandler), typeof(EchoHandler), typeof(PlainHandler), typeof(ZPlainHandler),
        typeof(WebSocketHandler), typeof(H2cHandler), typeof(Version1), typeof(Version2), typeof(Current), typeof(Legacy), typeof(AnyVersion),
        typeof(AppEcho), typeof(AppWebSocket), typeof(LibraryChat), typeof(LibraryEcho), typeof(Compressed), typeof(Plain),
        typeof(Handler0), typeof(Handler1), typeof(Handler2), typeof(Handler3),
    ];

    public static Type Named(string name)
        => Array.Find(s_types, type => type.Name == name) ?? throw new ArgumentException($"No test handler class is named '{name}'; add one to TestHandlers.", nameof(name));

    internal class Handler : IUpgradeHandler, IWebSocketHandler
    {
        public System.Threading.Tasks.Task HandleAsync(UpgradeContext context, System.Threading.CancellationToken aborted) => throw new NotSupportedException();

        public System.Threading.Tasks.Task OnConnectedAsync(System.Net.WebSockets.WebSocket socket, UpgradeContext context, System.Threading.CancellationToken aborted)
            => throw new NotSupportedException();
    }

    internal sealed class ChatHandler : Handler;
    internal sealed class AChatHandler : Handler;
    internal sealed class EchoHandler : Handler;
    internal sealed class PlainHandler : Handler;
    internal sealed class ZPlainHandler : Handler;
    internal sealed class WebSocketHandler : Handler;
    internal sealed class H2cHandler : Handler;
    internal sealed class Version1 : Handler;
    internal sealed class Version2 : Handler;
    internal sealed class Current : Handler;
    internal sealed class Legacy : Handler;
    internal sealed class AnyVersion : Handler;
    internal sealed class AppEcho : Handler;
    internal sealed class AppWebSocket : Handler;
    internal sealed class LibraryChat : Handler;
    internal sealed class LibraryEcho : Handler;
    internal sealed class Compressed : Handler;
    internal sealed class Plain : Handler;
    internal sealed class Handler0 : Handler;
    internal sealed class Handler1 : Handler;
    internal sealed class Handler2 : Handler;
    internal sealed class Handler3 : Handler;
}
