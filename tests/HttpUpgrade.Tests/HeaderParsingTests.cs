using System;
using System.Collections.Generic;
using Xunit;

namespace HttpUpgrade.Tests;

public sealed class HeaderParsingTests
{
    [Theory]
    [InlineData("RFC 9110 §5.6.1: elements are separated by commas", "a|b|c", "a,b,c")]
    [InlineData("RFC 9110 §5.6.1: OWS around an element is not part of it", "a|b", " a ,\tb\t")]
    [InlineData("RFC 9110 §5.6.1: recipients ignore empty elements", "a|b", "a,,b")]
    [InlineData("RFC 9110 §5.6.1: leading and trailing commas are empty elements", "a", ",a,")]
    [InlineData("RFC 9110 §5.6.1: a list of only empty elements has no element", "", ", ,\t,")]
    [InlineData("RFC 9110 §5.6.1: OWS inside an element is kept", "a b|c", "a b , c")]
    [InlineData("RFC 9110 §5.3: field lines combine in order", "a|b|c", "a", "b, c")]
    [InlineData("RFC 9110 §5.3: an empty field line adds no element", "a|b", "a", "", "b")]
    [InlineData("RFC 9110 §5.3: an absent field has no element", "")]
    public void HeaderListEnumerator_WalksListElementsAcrossFieldLines(string rule, string expected, params string[] lines)
    {
        TestRequest request = lines.Length == 0 ? new TestRequest() : new TestRequest().With(UpgradeRequestHeader.Connection, lines);

        Expect.Value(rule, expected, string.Join('|', Elements(request, UpgradeRequestHeader.Connection)), "elements");
    }

    [Fact]
    public void HeaderListEnumerator_ReadsOnlyTheNamedHeader()
    {
        var request = new TestRequest()
            .With(UpgradeRequestHeader.Connection, "Upgrade")
            .With(UpgradeRequestHeader.Upgrade, "websocket, echo/1");

        Assert.Equal(["websocket", "echo/1"], Elements(request, UpgradeRequestHeader.Upgrade));
        Assert.Equal(["Upgrade"], Elements(request, UpgradeRequestHeader.Connection));
        Assert.Empty(Elements(request, UpgradeRequestHeader.SecWebSocketProtocol));
    }

    [Theory]
    [InlineData("RFC 9110 §7.6.1: connection options are case-insensitive", true, "Upgrade")]
    [InlineData("RFC 9110 §7.6.1: connection options are case-insensitive", true, "upgrade")]
    [InlineData("RFC 9110 §7.6.1: connection options are case-insensitive", true, "UPGRADE")]
    [InlineData("RFC 9110 §7.6.1: Connection is a list of options", true, "keep-alive, Upgrade")]
    [InlineData("RFC 9110 §5.6.1: empty list elements are skipped", true, "close,,upgrade")]
    [InlineData("RFC 9110 §5.6.1: OWS around options is ignored", true, "keep-alive ,\tupgrade\t")]
    [InlineData("RFC 9110 §5.3: the option may be on a later field line", true, "keep-alive", "Upgrade")]
    [InlineData("RFC 9110 §7.6.1: options are whole tokens, not prefixes", false, "upgraded")]
    [InlineData("RFC 9110 §7.6.1: options are whole tokens, not suffixes", false, "x-upgrade")]
    [InlineData("RFC 9110 §7.6.1: options are whole tokens, not substrings", false, "upgrad")]
    [InlineData("RFC 9110 §7.6.1: whitespace does not join options", false, "up grade")]
    [InlineData("RFC 9110 §7.8: other options do not request an upgrade", false, "keep-alive, close")]
    [InlineData("RFC 9110 §7.8: without Connection there is no upgrade option", false)]
    public void ConnectionHasUpgrade_FindsTheUpgradeOption(string rule, bool expected, params string[] lines)
    {
        var request = new TestRequest();
        if (lines.Length > 0)
        {
            request.With(UpgradeRequestHeader.Connection, lines);
        }

        if (UpgradeHeaders.ConnectionHasUpgrade(request) != expected)
        {
            Assert.Fail($"{rule}: expected {expected} for Connection: {string.Join(" / ", lines)}");
        }
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: protocol-name", 1, "websocket")]
    [InlineData("RFC 9110 §7.8: protocol-name \"/\" protocol-version", 1, "echo/1")]
    [InlineData("RFC 9110 §7.8: a list in preference order", 4, "HTTP/2.0, SHTTP/1.3, IRC/6.9, RTA/x11")]
    [InlineData("RFC 9110 §5.3: offers on several field lines", 2, "echo/1", "websocket")]
    [InlineData("RFC 9110 §5.6.1: empty elements are not offers", 1, ", websocket ,")]
    [InlineData("RFC 9110 §5.3: an absent Upgrade has no offer", 0)]
    public void ValidateUpgrade_CountsWellFormedOffers(string rule, int expectedCount, params string[] lines)
    {
        var request = new TestRequest();
        if (lines.Length > 0)
        {
            request.With(UpgradeRequestHeader.Upgrade, lines);
        }

        UpgradeListStatus status = UpgradeHeaders.ValidateUpgrade(request, 8, out int count);

        if (status != UpgradeListStatus.Valid || count != expectedCount)
        {
            Assert.Fail($"{rule}: expected Valid with {expectedCount} offers, got {status} with {count}.");
        }
    }

    [Theory]
    [InlineData("RFC 9110 §7.8: protocol-name is a non-empty token", "/1")]
    [InlineData("RFC 9110 §7.8: a \"/\" is followed by a protocol-version token", "ws/")]
    [InlineData("RFC 9110 §5.6.2: SP is not a tchar", "a b")]
    [InlineData("RFC 9110 §7.8: protocol-version is a token, and \"/\" is not a tchar", "a/b/c")]
    [InlineData("RFC 9110 §5.6.2: \";\" is not a tchar (Upgrade takes no parameters)", "a;b")]
    [InlineData("RFC 9110 §5.6.2: DQUOTE is not a tchar", "\"websocket\"")]
    [InlineData("RFC 9110 §5.6.2: non-ASCII is not a tchar", "w\u00E9bsocket")]
    [InlineData("RFC 9110 §7.8: one malformed element spoils the list", "websocket, /1")]
    [InlineData("RFC 9110 §7.8: one malformed element on any field line spoils the list", "websocket", "echo/1 beta")]
    public void ValidateUpgrade_RejectsMalformedOffers(string rule, params string[] lines)
    {
        var request = new TestRequest().With(UpgradeRequestHeader.Upgrade, lines);

        UpgradeListStatus status = UpgradeHeaders.ValidateUpgrade(request, 8, out _);

        if (status != UpgradeListStatus.Malformed)
        {
            Assert.Fail($"{rule}: expected Malformed for Upgrade: {string.Join(" / ", lines)}, got {status}.");
        }
    }

    [Theory]
    [InlineData(8, 8, "Valid", "a, b, c, d, e, f, g, h")]
    [InlineData(9, 8, "TooMany", "a, b, c, d, e, f, g, h, i")]
    [InlineData(9, 8, "TooMany", "a, b, c, d, e", "f, g, h, i")]
    [InlineData(3, 2, "TooMany", "a, b, c")]
    [InlineData(3, 2, "Malformed", "a, /1, c")]
    [InlineData(1, 1, "TooMany", ", , a, ,")]
    [InlineData(1, 4, "Valid", ", , a, ,")]
    [InlineData(1, 8, "TooMany", ", , , , , , , , , a")]
    public void ValidateUpgrade_ReadsAtMostMaxOffers(int offers, int maxOffers, string expected, params string[] lines)
    {
        var request = new TestRequest().With(UpgradeRequestHeader.Upgrade, lines);

        UpgradeListStatus status = UpgradeHeaders.ValidateUpgrade(request, maxOffers, out int count);

        Assert.Equal(expected, status.ToString());
        if (status == UpgradeListStatus.Valid)
        {
            Assert.Equal(offers, count);
        }
    }

    [Theory]
    [InlineData("websocket", true, "websocket", "")]
    [InlineData("echo/1", true, "echo", "1")]
    [InlineData("RTA/x11", true, "RTA", "x11")]
    [InlineData("h2c", true, "h2c", "")]
    [InlineData("/1", false, "", "")]
    [InlineData("ws/", false, "", "")]
    [InlineData("a/b/c", false, "", "")]
    [InlineData("", false, "", "")]
    [InlineData(" ws", false, "", "")]
    public void Rfc9110_7_8_UpgradeOffer_TryParse_SplitsNameAndVersion(string element, bool expected, string name, string version)
    {
        bool parsed = UpgradeOffer.TryParse(element, out UpgradeOffer offer);

        Assert.Equal(expected, parsed);
        Assert.Equal(name, offer.Name.ToString());
        Assert.Equal(version, offer.Version.ToString());
        Assert.Equal(version.Length > 0, offer.HasVersion);
    }

    [Theory]
    [InlineData("RFC 9110 §5.5: leading and trailing OWS is not part of the value", true, "13", " 13\t")]
    [InlineData("RFC 9110 §5.5: one field line", true, "13, 8", "13, 8")]
    [InlineData("RFC 6455 §11.3.5: two field lines are not a single value", false, "", "13", "13")]
    [InlineData("RFC 9110 §5.3: an absent field has no value", false, "")]
    public void TryGetSingle_ReturnsTheOnlyFieldLineTrimmed(string rule, bool expected, string expectedValue, params string[] lines)
    {
        var request = new TestRequest();
        if (lines.Length > 0)
        {
            request.With(UpgradeRequestHeader.SecWebSocketVersion, lines);
        }

        bool found = UpgradeHeaders.TryGetSingle(request, UpgradeRequestHeader.SecWebSocketVersion, out ReadOnlySpan<char> value);

        if (found != expected || !value.SequenceEqual(expectedValue))
        {
            Assert.Fail($"{rule}: expected {expected} '{expectedValue}', got {found} '{value.ToString()}'.");
        }
    }

    private static List<string> Elements(TestRequest request, UpgradeRequestHeader header)
    {
        var elements = new List<string>();
        foreach (ReadOnlySpan<char> element in new HeaderListEnumerator<TestRequest>(request, header))
        {
            elements.Add(element.ToString());
        }

        return elements;
    }
}
