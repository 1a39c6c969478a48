using System;
using System.Collections.Generic;

namespace HttpUpgrade.Tests;

/// <summary>A request head held as a method, an HTTP version and, per header, its field lines in order.</summary>
public sealed class TestRequest : IUpgradeRequest
{
    /// <summary>The client's key from the RFC 6455 §1.3 example.</summary>
    public const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

    /// <summary>The server's answer to <see cref="SampleKey"/> in the RFC 6455 §1.3 example.</summary>
    public const string SampleAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private readonly Dictionary<UpgradeRequestHeader, List<string>> _fields = [];

    public TestRequest(string method = "GET", UpgradeHttpVersion httpVersion = UpgradeHttpVersion.Http11)
    {
        Method = method;
        HttpVersion = httpVersion;
    }

    public string Method { get; }

    public UpgradeHttpVersion HttpVersion { get; }

    /// <summary>The RFC 6455 §1.2 opening handshake, without the optional Origin and Sec-WebSocket-Protocol.</summary>
    public static TestRequest WebSocket(string method = "GET", UpgradeHttpVersion httpVersion = UpgradeHttpVersion.Http11)
        => new TestRequest(method, httpVersion)
            .With(UpgradeRequestHeader.Host, "server.example.com")
            .With(UpgradeRequestHeader.Upgrade, "websocket")
            .With(UpgradeRequestHeader.Connection, "Upgrade")
            .With(UpgradeRequestHeader.SecWebSocketKey, SampleKey)
            .With(UpgradeRequestHeader.SecWebSocketVersion, "13");

    /// <summary>An HTTP/1.1 request offering <paramref name="upgrade"/> with <c>Connection: Upgrade</c>.</summary>
    public static TestRequest Raw(string upgrade, string method = "GET")
        => new TestRequest(method)
            .With(UpgradeRequestHeader.Host, "server.example.com")
            .With(UpgradeRequestHeader.Connection, "Upgrade")
            .With(UpgradeRequestHeader.Upgrade, upgrade);

    /// <summary>Replaces every field line of <paramref name="header"/> with <paramref name="lines"/>.</summary>
    public TestRequest With(UpgradeRequestHeader header, params string[] lines)
    {
        _fields[header] = [.. lines];
        return this;
    }

    public TestRequest Without(UpgradeRequestHeader header)
    {
        _fields.Remove(header);
        return this;
    }

    public int GetFieldLineCount(UpgradeRequestHeader header)
        => _fields.TryGetValue(header, out List<string>? lines) ? lines.Count : 0;

    public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => _fields[header][index];
}
