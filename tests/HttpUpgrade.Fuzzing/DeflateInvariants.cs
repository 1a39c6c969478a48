using System;
using System.Collections.Generic;
using System.Net.WebSockets;

using static HttpUpgrade.Fuzzing.Rule;

namespace HttpUpgrade.Fuzzing;

/// <summary>What must hold of every permessage-deflate answer (RFC 7692 §7).</summary>
public static class DeflateInvariants
{
    /// <summary>
    /// An agreed answer is one the connection can run with and one a client can read back: window bits 9 to 15 (what
    /// .NET's deflate supports), options .NET accepts, and a response value that parses to the same parameters.
    /// </summary>
    public static void CheckAnswer(WebSocketDeflateParameters answer)
    {
        Require(answer.IsNegotiated, "an answer that was not negotiated");
        Require(answer.ServerMaxWindowBits is >= 9 and <= 15 && answer.ClientMaxWindowBits is >= 9 and <= 15, $"window bits outside 9..15 in '{answer}'");

        // WebSocketDeflateOptions throws for values it cannot run with: the answer must never be one.
        WebSocketDeflateOptions options = answer.ToDeflateOptions()!;
        Require(options.ServerMaxWindowBits == answer.ServerMaxWindowBits && options.ClientMaxWindowBits == answer.ClientMaxWindowBits, "the connection's options differ from the answer");

        string header = answer.ToHeaderValue() ?? throw new InvariantViolationException("an agreed answer that does not format");
        Require(header.Length <= WebSocketDeflateParameters.MaxHeaderValueLength, "the answer is longer than MaxHeaderValueLength");

        // The response uses the offer's grammar (RFC 7692 §7.1): read back, it says what the connection runs with. An
        // absent window parameter means 15 bits.
        Require(PerMessageDeflate.TryReadOffer(header, out PerMessageDeflate.Offer echoed), $"the answer '{header}' does not parse");
        Require(echoed.ServerNoContextTakeover == answer.ServerNoContextTakeover && echoed.ClientNoContextTakeover == answer.ClientNoContextTakeover, $"'{header}' says other context takeover than the connection runs with");
        Require((echoed.ServerMaxWindowBits == 0 ? 15 : echoed.ServerMaxWindowBits) == answer.ServerMaxWindowBits, $"'{header}' says another server window than the connection runs with");
        Require((echoed.HasClientMaxWindowBits ? echoed.ClientMaxWindowBits : 15) == answer.ClientMaxWindowBits, $"'{header}' says another client window than the connection runs with");
    }

    /// <summary>
    /// The answer to the client's offers (field lines of <c>Sec-WebSocket-Extensions</c>) under <paramref name="server"/>:
    /// the first offer that reads as an acceptable permessage-deflate one is answered, within what it and the server
    /// allow (RFC 7692 §7.1); none is answered when there is none.
    /// </summary>
    public static void CheckNegotiation(IReadOnlyList<string> lines, WebSocketDeflateOptions server, WebSocketDeflateParameters answer)
    {
        PerMessageDeflate.Offer? first = null;
        foreach (string element in Reference.QuotedElements(lines))
        {
            if (PerMessageDeflate.TryReadOffer(element, out PerMessageDeflate.Offer offer))
            {
                first = offer;
                break;
            }
        }

        if (first is not { } accepted)
        {
            Require(!answer.IsNegotiated, $"'{answer}' answers no acceptable offer");
            return;
        }

        Require(answer.IsNegotiated, "an acceptable offer was declined");
        CheckAnswer(answer);

        // §7.1.2.1: never a larger server window than the client allows or the server is configured with.
        Require(answer.ServerMaxWindowBits <= server.ServerMaxWindowBits && (accepted.ServerMaxWindowBits == 0 || answer.ServerMaxWindowBits <= accepted.ServerMaxWindowBits), $"'{answer}' exceeds the server window allowed");

        // §7.1.2.2: client_max_window_bits only when offered; otherwise the client uses 15 bits.
        Require(accepted.HasClientMaxWindowBits ? answer.ClientMaxWindowBits <= Math.Min(accepted.ClientMaxWindowBits, server.ClientMaxWindowBits) : answer.ClientMaxWindowBits == 15, $"'{answer}' answers the client window wrongly");

        // §7.1.1.1: an offered server_no_context_takeover MUST be answered; a server that does not keep context says so.
        Require(!accepted.ServerNoContextTakeover || answer.ServerNoContextTakeover, "server_no_context_takeover was offered and not answered");
        Require(server.ServerContextTakeover || answer.ServerNoContextTakeover, "the server keeps no context and did not say so");
        Require(server.ClientContextTakeover || answer.ClientNoContextTakeover, "the server asked for no client context and did not say so");
    }

    /// <summary>A parsed offer's values are those the grammar allows: window bits 9 to 15 or absent.</summary>
    internal static void CheckOffer(string element, in PerMessageDeflate.Offer offer)
    {
        Require(element.StartsWith(WebSocketDeflateParameters.ExtensionName, StringComparison.Ordinal), $"'{element}' read as a permessage-deflate offer");
        string rest = element[WebSocketDeflateParameters.ExtensionName.Length..].TrimStart(' ', '\t');
        Require(rest.Length == 0 || rest[0] == ';', $"'{element}' read as a permessage-deflate offer, but the token goes on");
        Require(offer.ServerMaxWindowBits == 0 || offer.ServerMaxWindowBits is >= 9 and <= 15, $"'{element}' read with server window {offer.ServerMaxWindowBits}");
        Require(!offer.HasClientMaxWindowBits || offer.ClientMaxWindowBits is >= 9 and <= 15, $"'{element}' read with client window {offer.ClientMaxWindowBits}");
    }

}
