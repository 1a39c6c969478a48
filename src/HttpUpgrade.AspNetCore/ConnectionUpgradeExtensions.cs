using System;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>
/// Connection-level upgrades on a Kestrel listener: TLS within HTTP/1.1 (RFC 2817) and h2c (RFC 7540 §3.2). After the
/// 101 the connection is handed back to Kestrel, whose own engines serve it: no HTTP engine is written here.
/// </summary>
public static class ConnectionUpgradeListenOptionsExtensions
{
    /// <summary>
    /// Serves <c>Upgrade: TLS/1.0</c> to <c>TLS/1.3</c> (RFC 2817 §3) on this cleartext listener: the server answers 101,
    /// completes a TLS handshake with <paramref name="certificate"/> on the same connection, answers the request over TLS,
    /// and serves the connection as HTTP/1.1 over TLS from then on (<c>Request.IsHttps</c> is true). The 101 and the TLS
    /// handshake must complete within 10 seconds, Kestrel's default TLS handshake timeout, or the connection is aborted.
    /// </summary>
    /// <param name="listen">The listener, from <c>ConfigureKestrel</c> or a <c>Kestrel:Endpoints</c> endpoint.</param>
    /// <param name="certificate">The server certificate, with its private key.</param>
    /// <returns><paramref name="listen"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">HttpUpgrade's services are not registered (<c>AddHttpUpgrade()</c>).</exception>
    public static ListenOptions UseTlsUpgrade(this ListenOptions listen, X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(certificate);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, additionalCertificates: null),
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        };

        return UseTlsUpgrade(listen, _ => new ValueTask<SslServerAuthenticationOptions>(options));
    }

    /// <summary>
    /// Serves <c>Upgrade: TLS/1.x</c> with the TLS settings Kestrel's <c>UseHttps</c> takes: a certificate or a
    /// <see cref="HttpsConnectionAdapterOptions.ServerCertificateSelector"/>, protocols, client certificates, and
    /// <see cref="HttpsConnectionAdapterOptions.HandshakeTimeout"/>, which bounds the time from the upgrade request to TLS
    /// being established (the 101, then the TLS handshake); the connection is aborted when it expires.
    /// </summary>
    /// <param name="listen">The listener.</param>
    /// <param name="configure">Sets the TLS options; a certificate or a selector is required.</param>
    /// <returns><paramref name="listen"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">No certificate or selector is set, or HttpUpgrade's services are not registered.</exception>
    public static ListenOptions UseTlsUpgrade(this ListenOptions listen, Action<HttpsConnectionAdapterOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(configure);
        var https = new HttpsConnectionAdapterOptions();
        configure(https);
        if (https.ServerCertificate is null && https.ServerCertificateSelector is null)
        {
            throw new InvalidOperationException("UseTlsUpgrade needs a server certificate: set ServerCertificate or ServerCertificateSelector.");
        }

        return UseTlsUpgrade(listen, context => new ValueTask<SslServerAuthenticationOptions>(ToSslOptions(https, context)), https.HandshakeTimeout);
    }

    /// <summary>
    /// Serves <c>Upgrade: TLS/1.x</c> with <see cref="SslServerAuthenticationOptions"/> chosen per connection by
    /// <paramref name="serverOptionsSelectionCallback"/>, as <see cref="SslStream"/> chooses them from the client's hello.
    /// The 101 and the TLS handshake must complete within 10 seconds, Kestrel's default TLS handshake timeout.
    /// </summary>
    /// <param name="listen">The listener.</param>
    /// <param name="serverOptionsSelectionCallback">Returns the options for one handshake.</param>
    /// <param name="state">Passed to the callback.</param>
    /// <returns><paramref name="listen"/>, for chaining.</returns>
    public static ListenOptions UseTlsUpgrade(this ListenOptions listen, ServerOptionsSelectionCallback serverOptionsSelectionCallback, object? state)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(serverOptionsSelectionCallback);
        return UseTlsUpgrade(listen, context => serverOptionsSelectionCallback(context.SslStream, context.ClientHelloInfo, state, context.CancellationToken));
    }

    /// <summary>
    /// Serves <c>Upgrade: h2c</c> (RFC 7540 §3.2) on this cleartext listener, and HTTP/2 from a client that opens the
    /// connection with the HTTP/2 preface (prior knowledge, RFC 9113 §3.3). An h2c upgrade with exactly one valid
    /// <c>HTTP2-Settings</c> and no content gets 101; the request is then stream 1 of an HTTP/2 connection served by
    /// Kestrel's HTTP/2 engine. Anything else is served as HTTP/1.1. h2c is deprecated by RFC 9113 and must never be
    /// forwarded by proxies; it is off unless this is called.
    /// </summary>
    /// <param name="listen">The listener; it must speak HTTP/1.1.</param>
    /// <returns><paramref name="listen"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException">The listener does not speak HTTP/1.1, or HttpUpgrade's services are not registered.</exception>
    public static ListenOptions UseH2cUpgrade(this ListenOptions listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        if ((listen.Protocols & HttpProtocols.Http1) == 0 && listen.EndPoint is not ReentryEndPoint)
        {
            throw new InvalidOperationException(
                $"UseH2cUpgrade on {listen}: an h2c upgrade is an HTTP/1.1 request, and this listener's Protocols ({listen.Protocols}) exclude HTTP/1.1.");
        }

        if (ConnectionUpgradeListener.SettingsOf(listen, ReentryKind.Http2) is { } settings)
        {
            settings.H2c = true;
        }

        return listen;
    }

    private static ListenOptions UseTlsUpgrade(
        ListenOptions listen,
        Func<TlsHandshakeCallbackContext, ValueTask<SslServerAuthenticationOptions>> select,
        TimeSpan? handshakeTimeout = null)
    {
        if (ConnectionUpgradeListener.SettingsOf(listen, ReentryKind.Tls) is { } settings)
        {
            settings.Tls = select;
            if (handshakeTimeout is { } timeout)
            {
                settings.TlsHandshakeTimeout = timeout;
            }
        }

        return listen;
    }

    private static SslServerAuthenticationOptions ToSslOptions(HttpsConnectionAdapterOptions https, TlsHandshakeCallbackContext context)
    {
        X509Certificate2 certificate = https.ServerCertificateSelector?.Invoke(context.Connection, context.ClientHelloInfo.ServerName)
            ?? https.ServerCertificate
            ?? throw new AuthenticationException("No server certificate was selected for this TLS upgrade.");

        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            EnabledSslProtocols = https.SslProtocols,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            CertificateRevocationCheckMode = https.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
        };

        if (https.ClientCertificateMode != ClientCertificateMode.NoCertificate)
        {
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null)
                {
                    return https.ClientCertificateMode != ClientCertificateMode.RequireCertificate;
                }

                if (https.ClientCertificateValidation is { } validate)
                {
                    using X509Certificate2 client = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    return validate(client, chain, errors);
                }

                return errors == SslPolicyErrors.None;
            };
        }

        https.OnAuthenticate?.Invoke(context.Connection, options);
        return options;
    }
}
