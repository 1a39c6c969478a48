using System;
using System.Collections.Generic;

namespace HttpUpgrade.Generators.Tests;

/// <summary>An HTTP/1.1 request head for the negotiator: a method and, per header, its field lines in order.</summary>
internal sealed class RequestHead : IUpgradeRequest
{
    /// <summary>The client's key from the RFC 6455 §1.3 example.</summary>
    public const string SampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

    private readonly Dictionary<UpgradeRequestHeader, string[]> _fields = new();

    private RequestHead(string method)
    {
        Method = method;
        With(UpgradeRequestHeader.Host, "server.example.com");
        With(UpgradeRequestHeader.Connection, "Upgrade");
    }

    public string Method { get; }

    public UpgradeHttpVersion HttpVersion => UpgradeHttpVersion.Http11;

    /// <summary>A GET offering <paramref name="upgrade"/>, the <c>Upgrade</c> field as the client writes it.</summary>
    public static RequestHead Raw(string upgrade) => new RequestHead("GET").With(UpgradeRequestHeader.Upgrade, upgrade);

    /// <summary>The RFC 6455 §1.2 opening handshake with <paramref name="version"/> and, when given, a subprotocol list.</summary>
    public static RequestHead WebSocket(string? subProtocols = null, string version = "13")
    {
        RequestHead request = new RequestHead("GET")
            .With(UpgradeRequestHeader.Upgrade, "websocket")
            .With(UpgradeRequestHeader.SecWebSocketKey, SampleKey)
            .With(UpgradeRequestHeader.SecWebSocketVersion, version);
        return subProtocols is null ? request : request.With(UpgradeRequestHeader.SecWebSocketProtocol, subProtocols);
    }

    public RequestHead With(UpgradeRequestHeader header, params string[] lines)
    {
        _fields[header] = lines;
        return this;
    }

    public int GetFieldLineCount(UpgradeRequestHeader header) => _fields.TryGetValue(header, out string[]? lines) ? lines.Length : 0;

    public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => _fields[header][index];
}
