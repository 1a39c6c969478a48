using System;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The negotiator's view of an ASP.NET Core request. A struct over the server's own header dictionary, so
/// negotiating neither boxes nor copies header values.
/// </summary>
internal readonly struct HttpRequestUpgradeView : IUpgradeRequest
{
    private readonly IHeaderDictionary _headers;
    private readonly string _scheme;
    private readonly string? _protocol;

    public HttpRequestUpgradeView(HttpRequest request)
    {
        Method = request.Method;
        HttpVersion = VersionOf(request.Protocol);
        _headers = request.Headers;
        _scheme = request.Scheme;

        // Kestrel presents an HTTP/2 or HTTP/3 extended CONNECT's :protocol through this feature, not as a header.
        IHttpExtendedConnectFeature? connect = request.HttpContext.Features.Get<IHttpExtendedConnectFeature>();
        _protocol = connect is { IsExtendedConnect: true } ? connect.Protocol : null;
    }

    public string Method { get; }

    public UpgradeHttpVersion HttpVersion { get; }

    public int GetFieldLineCount(UpgradeRequestHeader header) => Get(header).Count;

    public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => Get(header)[index];

    private StringValues Get(UpgradeRequestHeader header) => header switch
    {
        UpgradeRequestHeader.Connection => _headers.Connection,
        UpgradeRequestHeader.Upgrade => _headers.Upgrade,
        UpgradeRequestHeader.Host => _headers.Host,
        UpgradeRequestHeader.SecWebSocketKey => _headers.SecWebSocketKey,
        UpgradeRequestHeader.SecWebSocketVersion => _headers.SecWebSocketVersion,
        UpgradeRequestHeader.SecWebSocketProtocol => _headers.SecWebSocketProtocol,
        UpgradeRequestHeader.SecWebSocketExtensions => _headers.SecWebSocketExtensions,
        UpgradeRequestHeader.Origin => _headers.Origin,

        // IHeaderDictionary.ContentLength is the parsed number; the negotiator reads the field lines as sent.
        UpgradeRequestHeader.ContentLength => _headers[HeaderNames.ContentLength],
        UpgradeRequestHeader.TransferEncoding => _headers.TransferEncoding,
        UpgradeRequestHeader.Expect => _headers.Expect,
        UpgradeRequestHeader.Scheme => _scheme,
        UpgradeRequestHeader.Protocol => _protocol,
        UpgradeRequestHeader.Http2Settings => _headers["HTTP2-Settings"],
        UpgradeRequestHeader.KeepAlive => _headers.KeepAlive,
        UpgradeRequestHeader.ProxyConnection => _headers.ProxyConnection,
        UpgradeRequestHeader.TE => _headers.TE,
        _ => StringValues.Empty,
    };

    /// <summary>The negotiator's name for the request's <paramref name="protocol"/> (<c>HTTP/1.1</c>, ...).</summary>
    public static UpgradeHttpVersion VersionOf(string protocol)
    {
        if (HttpProtocol.IsHttp11(protocol))
        {
            return UpgradeHttpVersion.Http11;
        }

        if (HttpProtocol.IsHttp10(protocol))
        {
            return UpgradeHttpVersion.Http10;
        }

        if (HttpProtocol.IsHttp2(protocol))
        {
            return UpgradeHttpVersion.Http2;
        }

        return HttpProtocol.IsHttp3(protocol) ? UpgradeHttpVersion.Http3 : UpgradeHttpVersion.Unknown;
    }
}
