using System;
using System.Globalization;
using System.Net.WebSockets;

namespace HttpUpgrade;

/// <summary>
/// The permessage-deflate parameters a server agreed to (RFC 7692 §7): what its <c>Sec-WebSocket-Extensions</c> response
/// says, and the <see cref="WebSocketDeflateOptions"/> its side of the connection runs with. The default value is
/// "not negotiated".
/// </summary>
public readonly struct WebSocketDeflateParameters
{
    /// <summary>The extension token (RFC 7692 §7).</summary>
    public const string ExtensionName = "permessage-deflate";

    private readonly bool _includeClientMaxWindowBits;
    private readonly bool _includeServerMaxWindowBits;

    internal WebSocketDeflateParameters(
        int clientMaxWindowBits,
        bool includeClientMaxWindowBits,
        int serverMaxWindowBits,
        bool includeServerMaxWindowBits,
        bool clientNoContextTakeover,
        bool serverNoContextTakeover)
    {
        IsNegotiated = true;
        ClientMaxWindowBits = clientMaxWindowBits;
        ServerMaxWindowBits = serverMaxWindowBits;
        ClientNoContextTakeover = clientNoContextTakeover;
        ServerNoContextTakeover = serverNoContextTakeover;
        _includeClientMaxWindowBits = includeClientMaxWindowBits;
        _includeServerMaxWindowBits = includeServerMaxWindowBits;
    }

    /// <summary>Whether permessage-deflate was agreed; when false every other member is meaningless.</summary>
    public bool IsNegotiated { get; }

    /// <summary>The LZ77 window (in bits) the client compresses with, so the server inflates with it.</summary>
    public int ClientMaxWindowBits { get; }

    /// <summary>The LZ77 window (in bits) the server compresses with.</summary>
    public int ServerMaxWindowBits { get; }

    /// <summary>Whether the client resets its compression context after each message.</summary>
    public bool ClientNoContextTakeover { get; }

    /// <summary>Whether the server resets its compression context after each message.</summary>
    public bool ServerNoContextTakeover { get; }

    /// <summary>The largest <c>Sec-WebSocket-Extensions</c> response value this type formats.</summary>
    public const int MaxHeaderValueLength = 128;

    /// <summary>
    /// Formats the response's <c>Sec-WebSocket-Extensions</c> value, for example
    /// <c>permessage-deflate; server_no_context_takeover; client_max_window_bits=10</c>. Allocates nothing.
    /// </summary>
    /// <returns>False when not negotiated or <paramref name="destination"/> is too short.</returns>
    public bool TryFormat(Span<char> destination, out int written)
    {
        written = 0;
        if (!IsNegotiated)
        {
            return false;
        }

        var writer = new SpanWriter(destination);
        writer.Append(ExtensionName);
        if (ServerNoContextTakeover)
        {
            writer.Append("; server_no_context_takeover");
        }

        if (ClientNoContextTakeover)
        {
            writer.Append("; client_no_context_takeover");
        }

        if (_includeServerMaxWindowBits)
        {
            writer.Append("; server_max_window_bits=");
            writer.Append(ServerMaxWindowBits);
        }

        if (_includeClientMaxWindowBits)
        {
            writer.Append("; client_max_window_bits=");
            writer.Append(ClientMaxWindowBits);
        }

        written = writer.Length;
        return !writer.Overflowed;
    }

    /// <summary>The response's <c>Sec-WebSocket-Extensions</c> value (allocates), or null when not negotiated.</summary>
    public string? ToHeaderValue()
    {
        Span<char> buffer = stackalloc char[MaxHeaderValueLength];
        return TryFormat(buffer, out int written) ? new string(buffer.Slice(0, written)) : null;
    }

    /// <summary>
    /// The options for <see cref="WebSocketCreationOptions.DangerousDeflateOptions"/> on the server's side of the
    /// connection (allocates), or null when not negotiated.
    /// </summary>
    public WebSocketDeflateOptions? ToDeflateOptions() => IsNegotiated
        ? new WebSocketDeflateOptions
        {
            ClientMaxWindowBits = ClientMaxWindowBits,
            ServerMaxWindowBits = ServerMaxWindowBits,
            ClientContextTakeover = !ClientNoContextTakeover,
            ServerContextTakeover = !ServerNoContextTakeover,
        }
        : null;

    /// <inheritdoc />
    public override string ToString() => ToHeaderValue() ?? "(not negotiated)";

    private ref struct SpanWriter(Span<char> destination)
    {
        private readonly Span<char> _destination = destination;

        public int Length { get; private set; }

        public bool Overflowed { get; private set; }

        public void Append(ReadOnlySpan<char> text)
        {
            if (!text.TryCopyTo(_destination.Slice(Length)))
            {
                Overflowed = true;
                return;
            }

            Length += text.Length;
        }

        public void Append(int value)
        {
            if (!value.TryFormat(_destination.Slice(Length), out int written, default, CultureInfo.InvariantCulture))
            {
                Overflowed = true;
                return;
            }

            Length += written;
        }
    }
}
