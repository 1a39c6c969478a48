using System;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Tests;

/// <summary>The test helper that compares <c>Sec-WebSocket-Extensions</c> values: it must tell apart what the RFCs tell apart.</summary>
public sealed class ExtensionListTests
{
    [Theory]
    [InlineData("RFC 7692 §7: parameters in another order", "permessage-deflate; server_no_context_takeover; client_max_window_bits=10", "permessage-deflate; client_max_window_bits=10; server_no_context_takeover")]
    [InlineData("parameter names compare case-insensitively", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; Server_Max_Window_Bits=10")]
    [InlineData("RFC 6455 §9.1: a quoted value is its token", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=\"10\"")]
    [InlineData("RFC 9110 §5.6.1: OWS and empty list elements", "permessage-deflate; client_no_context_takeover", " ,permessage-deflate ;\tclient_no_context_takeover ,")]
    [InlineData("no field and an empty one are both no extensions", null, "")]
    public void SameExtensions(string rule, string? expected, string actual)
        => Assert.True(ExtensionList.Parse(expected).Equals(ExtensionList.Parse(actual)), rule);

    [Theory]
    [InlineData("another value", "permessage-deflate; server_max_window_bits=10", "permessage-deflate; server_max_window_bits=11")]
    [InlineData("a value where there was none", "permessage-deflate; client_max_window_bits", "permessage-deflate; client_max_window_bits=15")]
    [InlineData("a parameter more", "permessage-deflate", "permessage-deflate; server_no_context_takeover")]
    [InlineData("a parameter less", "permessage-deflate; server_no_context_takeover", "permessage-deflate")]
    [InlineData("the extension token is exact", "permessage-deflate", "Permessage-Deflate")]
    [InlineData("RFC 6455 §9.1: extensions apply in the order listed", "a, b", "b, a")]
    [InlineData("an extension more", "permessage-deflate", "permessage-deflate, x")]
    [InlineData("no extensions", "permessage-deflate", "")]
    public void DifferentExtensions(string rule, string expected, string actual)
        => Assert.False(ExtensionList.Parse(expected).Equals(ExtensionList.Parse(actual)), rule);

    [Theory]
    [InlineData("RFC 7692 §7: a parameter named twice", "permessage-deflate; server_no_context_takeover; SERVER_NO_CONTEXT_TAKEOVER")]
    [InlineData("RFC 6455 §9.1: an empty parameter", "permessage-deflate;;")]
    [InlineData("RFC 6455 §9.1: an unterminated quoted-string", "permessage-deflate; server_max_window_bits=\"10")]
    [InlineData("RFC 6455 §9.1: a value that is no token", "permessage-deflate; server_max_window_bits=1 0")]
    public void MalformedValues_AreRefused(string rule, string value)
        => Assert.True(Record.Exception(() => ExtensionList.Parse(value)) is FormatException, rule);
}
