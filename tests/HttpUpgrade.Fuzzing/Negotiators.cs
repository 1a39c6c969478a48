using System;
using System.Collections.Generic;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade.Fuzzing;

/// <summary>
/// The negotiators every request is tried against: each protocol kind (WebSocket with and without subprotocols, raw
/// tokens with and without versions, TLS, h2c), permessage-deflate on, and each origin policy, with the endpoint options
/// that change a decision (RequireUpgrade, UnmatchedSubProtocol, MaxOffers) set both ways.
/// </summary>
public static class Negotiators
{
    /// <summary>The registrations: what a request can name.</summary>
    public static IReadOnlyList<UpgradeRegistration> Registrations => s_registrations;

    private static readonly UpgradeRegistration[] s_registrations =
    [
        new WebSocketHandlerRegistration("websocket", ["13"], ["chat.v2", "chat.v1"], typeof(ChatHandler), static _ => new ChatHandler()),
        new WebSocketHandlerRegistration("websocket", [], [], typeof(PlainSocketHandler), static _ => new PlainSocketHandler()),
        new WebSocketHandlerRegistration("websocket", ["8", "13"], ["legacy"], typeof(LegacyHandler), static _ => new LegacyHandler()),
        new UpgradeHandlerRegistration("echo", ["1", "2"], [], typeof(EchoHandler), static _ => new EchoHandler()),
        new UpgradeHandlerRegistration("echo", [], [], typeof(AnyEchoHandler), static _ => new AnyEchoHandler()),
        new UpgradeHandlerRegistration("x-raw", [], [], typeof(RawHandler), static _ => new RawHandler()),
        ConnectionUpgradeRegistration.Tls,
        ConnectionUpgradeRegistration.H2c,
    ];

    /// <summary>Named negotiators over <see cref="Registrations"/>.</summary>
    public static IReadOnlyList<(string Name, UpgradeNegotiator Negotiator)> All { get; } = Create();

    private static (string, UpgradeNegotiator)[] Create()
    {
        // Same-origin plus an allow-list, deflate for every WebSocket handler and a smaller window for one of them.
        var sameOriginAnd = new UpgradeNegotiatorOptions
        {
            AllowedOrigins = { "https://app.example.com", "http://localhost:5080" },
            WebSocketDeflate = new WebSocketDeflateOptions(),
        };
        sameOriginAnd.ForHandler<ChatHandler>(handler => handler.WebSocketDeflate = new WebSocketDeflateOptions { ServerMaxWindowBits = 12, ClientMaxWindowBits = 10 });

        // An upgrade-only endpoint (MapUpgrade) that lists its origins, serves without a subprotocol and reads two offers.
        var allowList = new UpgradeNegotiatorOptions
        {
            RequireUpgrade = true,
            AllowSameOrigin = false,
            AllowedOrigins = { "https://app.example.com:8443", "http://[::1]:5080" },
            UnmatchedSubProtocol = UnmatchedSubProtocolBehavior.ServeWithoutSubProtocol,
            MaxOffers = 2,
            WebSocketDeflate = new WebSocketDeflateOptions { ClientContextTakeover = false, ServerContextTakeover = false, ServerMaxWindowBits = 9, ClientMaxWindowBits = 9 },
        };

        var anyOrigin = new UpgradeNegotiatorOptions { AllowAnyOrigin = true, RequireUpgrade = true, MaxOffers = 64 };

        return
        [
            ("same-origin+allow-list, deflate", new UpgradeNegotiator(new ListRegistry(Registrations), sameOriginAnd)),
            ("allow-list, require upgrade, serve without subprotocol", new UpgradeNegotiator(new CompositeUpgradeRegistry([new ListRegistry(Registrations)]), allowList)),
            ("any origin, require upgrade", new UpgradeNegotiator(new CompositeUpgradeRegistry([new ListRegistry(s_registrations[..3]), new ListRegistry(s_registrations[3..])]), anyOrigin)),
        ];
    }

    /// <summary>A hand-written registry: a linear, case-insensitive scan, as a host's own registry may be.</summary>
    private sealed class ListRegistry(IReadOnlyList<UpgradeRegistration> registrations) : IUpgradeRegistry
    {
        private readonly UpgradeRegistration[] _registrations = [.. registrations];

        public IReadOnlyList<UpgradeRegistration> Registrations => _registrations;

        public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
        {
            for (int i = 0; i < _registrations.Length; i++)
            {
                if (name.Equals(_registrations[i].Name, StringComparison.OrdinalIgnoreCase))
                {
                    int end = i + 1;
                    while (end < _registrations.Length && name.Equals(_registrations[end].Name, StringComparison.OrdinalIgnoreCase))
                    {
                        end++;
                    }

                    return _registrations.AsSpan(i, end - i);
                }
            }

            return default;
        }
    }

    // Handlers are never run: a decision names their registration, nothing more.
    private abstract class NeverRun : IWebSocketHandler, IUpgradeHandler
    {
        public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => throw new NotSupportedException();

        public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => throw new NotSupportedException();
    }

    private sealed class ChatHandler : NeverRun;

    private sealed class PlainSocketHandler : NeverRun;

    private sealed class LegacyHandler : NeverRun;

    private sealed class EchoHandler : NeverRun;

    private sealed class AnyEchoHandler : NeverRun;

    private sealed class RawHandler : NeverRun;
}
