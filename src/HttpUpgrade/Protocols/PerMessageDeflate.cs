using System;
using System.Globalization;
using System.Net.WebSockets;

namespace HttpUpgrade;

/// <summary>
/// The server side of permessage-deflate negotiation (RFC 7692 §5, §7.1): a linear, strict reader of the client's offers
/// that agrees to the first acceptable one and never answers with more than was offered.
/// </summary>
internal static class PerMessageDeflate
{
    // .NET's zlib-based implementation supports windows of 9 to 15 bits. RFC 7692 §7.1.2 also allows 8, which zlib
    // silently turns into 9 for raw deflate, so an offer of 8 is declined rather than answered with a window the
    // compressor would not honour.
    internal const int MinWindowBits = 9;
    internal const int MaxWindowBits = 15;

    /// <summary>
    /// Reads every <c>Sec-WebSocket-Extensions</c> element in the client's order of preference and agrees to the first
    /// permessage-deflate offer the server can accept under <paramref name="server"/>. Elements naming other extensions
    /// are declined, as is an offer with an unknown, repeated or invalid parameter (RFC 7692 §5); the handshake goes on
    /// without the extension when none is acceptable.
    /// </summary>
    public static WebSocketDeflateParameters Negotiate<TRequest>(TRequest request, WebSocketDeflateOptions server)
        where TRequest : IUpgradeRequest
    {
        foreach (ReadOnlySpan<char> element in new HeaderListEnumerator<TRequest>(request, UpgradeRequestHeader.SecWebSocketExtensions, quotedStrings: true))
        {
            if (TryReadOffer(element, out Offer offer))
            {
                return Answer(offer, server);
            }
        }

        return default;
    }

    /// <summary>
    /// Parses one element, <c>extension-token *( OWS ";" OWS extension-param )</c> with
    /// <c>extension-param = token [ OWS "=" OWS ( token / quoted-string ) ]</c> (RFC 6455 §9.1), and returns true only
    /// for a well-formed permessage-deflate offer whose every parameter is known, single and valid.
    /// </summary>
    internal static bool TryReadOffer(ReadOnlySpan<char> element, out Offer offer)
    {
        offer = default;
        int i = ReadToken(element, 0);

        // RFC 7692 §7: the extension token is "permessage-deflate", compared as the registered token is spelled (as ws does).
        if (!element.Slice(0, i).SequenceEqual(WebSocketDeflateParameters.ExtensionName))
        {
            return false;
        }

        Span<char> valueBuffer = stackalloc char[8];
        while (true)
        {
            i = SkipWhitespace(element, i);
            if (i == element.Length)
            {
                return true;
            }

            if (element[i] != ';')
            {
                return false;
            }

            i = SkipWhitespace(element, i + 1);
            int nameStart = i;
            i = ReadToken(element, i);
            ReadOnlySpan<char> name = element.Slice(nameStart, i - nameStart);
            if (name.IsEmpty)
            {
                return false;
            }

            bool hasValue = false;
            int valueLength = 0;
            int afterName = SkipWhitespace(element, i);
            if (afterName < element.Length && element[afterName] == '=')
            {
                hasValue = true;
                i = SkipWhitespace(element, afterName + 1);
                if (!TryReadValue(element, ref i, valueBuffer, out valueLength))
                {
                    return false;
                }
            }

            ReadOnlySpan<char> value = valueBuffer.Slice(0, valueLength);
            switch (name)
            {
                case "server_no_context_takeover":
                    // RFC 7692 §7.1.1.1: the parameter has no value.
                    if (hasValue || offer.ServerNoContextTakeover)
                    {
                        return false;
                    }

                    offer.ServerNoContextTakeover = true;
                    break;

                case "client_no_context_takeover":
                    // RFC 7692 §7.1.1.2: the parameter has no value.
                    if (hasValue || offer.ClientNoContextTakeover)
                    {
                        return false;
                    }

                    offer.ClientNoContextTakeover = true;
                    break;

                case "server_max_window_bits":
                    // RFC 7692 §7.1.2.1: the offer's value is required.
                    if (offer.ServerMaxWindowBits != 0 || !hasValue || !TryParseWindowBits(value, out int serverBits))
                    {
                        return false;
                    }

                    offer.ServerMaxWindowBits = serverBits;
                    break;

                case "client_max_window_bits":
                    // RFC 7692 §7.1.2.2: the value is optional; without one the client only says it understands the parameter.
                    if (offer.HasClientMaxWindowBits)
                    {
                        return false;
                    }

                    int clientBits = MaxWindowBits;
                    if (hasValue && !TryParseWindowBits(value, out clientBits))
                    {
                        return false;
                    }

                    offer.HasClientMaxWindowBits = true;
                    offer.ClientMaxWindowBits = clientBits;
                    break;

                default:
                    // RFC 7692 §5: an offer with a parameter not defined for it MUST be declined.
                    return false;
            }
        }
    }

    private static WebSocketDeflateParameters Answer(in Offer offer, WebSocketDeflateOptions server)
    {
        // RFC 7692 §7.1.2.1: the server's window is at most what the client allows; naming a smaller one unasked is allowed.
        int serverBits = offer.ServerMaxWindowBits != 0 ? Math.Min(offer.ServerMaxWindowBits, server.ServerMaxWindowBits) : server.ServerMaxWindowBits;
        bool includeServerBits = offer.ServerMaxWindowBits != 0 || serverBits < MaxWindowBits;

        // RFC 7692 §7.1.2.2: the response names client_max_window_bits only when the offer did, with a value no larger
        // than the offered one; without it the client compresses with 15 bits and the server must inflate with those.
        int clientBits = MaxWindowBits;
        bool includeClientBits = false;
        if (offer.HasClientMaxWindowBits)
        {
            clientBits = Math.Min(offer.ClientMaxWindowBits, server.ClientMaxWindowBits);
            includeClientBits = clientBits < MaxWindowBits;
        }

        // RFC 7692 §7.1.1.1: an offered server_no_context_takeover MUST be answered with it; §7.1.1.2: the server may add
        // client_no_context_takeover, and echoing the client's own declaration keeps both ends' view the same.
        bool serverNoContextTakeover = offer.ServerNoContextTakeover || !server.ServerContextTakeover;
        bool clientNoContextTakeover = offer.ClientNoContextTakeover || !server.ClientContextTakeover;
        return new WebSocketDeflateParameters(clientBits, includeClientBits, serverBits, includeServerBits, clientNoContextTakeover, serverNoContextTakeover);
    }

    /// <summary>RFC 7692 §7.1.2: a decimal integer without leading zeros, here 9 to 15.</summary>
    private static bool TryParseWindowBits(ReadOnlySpan<char> value, out int bits)
    {
        bits = 0;
        if (value.IsEmpty || value.Length > 2 || value[0] == '0')
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            bits = (bits * 10) + (c - '0');
        }

        return bits is >= MinWindowBits and <= MaxWindowBits;
    }

    /// <summary>
    /// Reads a token or a quoted-string at <paramref name="i"/> into <paramref name="buffer"/>, unescaping quoted-pairs
    /// (RFC 9110 §5.6.4). RFC 7692 §5: a quoted value must be a token once unescaped.
    /// </summary>
    private static bool TryReadValue(ReadOnlySpan<char> element, ref int i, Span<char> buffer, out int length)
    {
        if (i < element.Length && element[i] == '"')
        {
            // RFC 7692 §5: the unescaped content must itself be a token.
            return QuotedString.TryUnescape(element, ref i, buffer, out length)
                && HttpTokenGrammar.IsToken(buffer.Slice(0, length));
        }

        int start = i;
        i = ReadToken(element, i);
        length = 0;
        if (i == start || i - start > buffer.Length)
        {
            return false;
        }

        element.Slice(start, i - start).CopyTo(buffer);
        length = i - start;
        return true;
    }

    private static int ReadToken(ReadOnlySpan<char> value, int i)
    {
        while (i < value.Length && HttpTokenGrammar.IsTokenChar(value[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipWhitespace(ReadOnlySpan<char> value, int i)
    {
        while (i < value.Length && HttpTokenGrammar.IsWhitespace(value[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>One permessage-deflate offer's parameters; 0 window bits means "not offered".</summary>
    internal struct Offer
    {
        public bool ServerNoContextTakeover;
        public bool ClientNoContextTakeover;
        public int ServerMaxWindowBits;
        public bool HasClientMaxWindowBits;
        public int ClientMaxWindowBits;
    }
}
