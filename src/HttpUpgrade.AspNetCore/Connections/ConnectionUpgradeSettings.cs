using System;
using System.Collections.Generic;
using System.Net.Security;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>
/// What one public listener has opted into (<c>UseTlsUpgrade</c>, <c>UseH2cUpgrade</c>). Every connection it accepts
/// carries it as a feature, which the request middleware reads to negotiate TLS and h2c with the same negotiator as
/// every other protocol.
/// </summary>
internal sealed class ConnectionUpgradeSettings(ReentryListenerFactory reentry, TimeSpan prefaceTimeout)
{
    private UpgradeNegotiator? _negotiator;

    public ReentryListenerFactory Reentry { get; } = reentry;

    /// <summary>How long a connection that opens with a prefix of the HTTP/2 preface may take to finish it.</summary>
    public TimeSpan PrefaceTimeout { get; } = prefaceTimeout;

    /// <summary>The server's TLS options for a connection that upgrades to TLS; null when TLS upgrade is off.</summary>
    public Func<TlsHandshakeCallbackContext, ValueTask<SslServerAuthenticationOptions>>? Tls { get; set; }

    /// <summary>
    /// How long a TLS upgrade may take from the request to TLS being established: the 101, then the TLS handshake
    /// (<see cref="HttpsConnectionAdapterOptions.HandshakeTimeout"/>, 10 seconds unless set).
    /// </summary>
    public TimeSpan TlsHandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether <c>Upgrade: h2c</c> and prior-knowledge HTTP/2 are served.</summary>
    public bool H2c { get; set; }

    /// <summary>The negotiator over TLS and/or h2c, built when the first connection arrives, after configuration.</summary>
    public UpgradeNegotiator Negotiator => _negotiator ??= CreateNegotiator();

    private UpgradeNegotiator CreateNegotiator()
    {
        var registrations = new List<UpgradeRegistration>(2);
        if (Tls is not null)
        {
            registrations.Add(ConnectionUpgradeRegistration.Tls);
        }

        if (H2c)
        {
            registrations.Add(ConnectionUpgradeRegistration.H2c);
        }

        // Not upgrade-only: a request that does not switch here is served as it is, by whatever the app maps.
        return new UpgradeNegotiator(new ListRegistry(registrations.ToArray()), new UpgradeNegotiatorOptions { RequireUpgrade = false });
    }

    private sealed class ListRegistry(UpgradeRegistration[] registrations) : IUpgradeRegistry
    {
        public IReadOnlyList<UpgradeRegistration> Registrations => registrations;

        public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
        {
            for (int i = 0; i < registrations.Length; i++)
            {
                if (name.Equals(registrations[i].Name, StringComparison.OrdinalIgnoreCase))
                {
                    return registrations.AsSpan(i, 1);
                }
            }

            return default;
        }
    }
}

/// <summary>Set on every connection of a listener that opted into connection-level upgrades.</summary>
internal sealed class ConnectionUpgradeFeature(ConnectionUpgradeSettings settings)
{
    public ConnectionUpgradeSettings Settings { get; } = settings;
}

/// <summary>
/// Set on a connection pushed to the TLS re-entry endpoint: the TLS options of the listener it came from, and the
/// upgrade request to replay once TLS is up (RFC 2817 §3.3).
/// </summary>
internal sealed class TlsReentryFeature(
    Func<TlsHandshakeCallbackContext, ValueTask<SslServerAuthenticationOptions>> tls,
    byte[] replay,
    bool isOptionsAsterisk,
    HandshakeDeadline deadline)
{
    private int _replayed;

    /// <summary>
    /// Called once TLS is up: ends the handshake's deadline. False when it had already expired and the connection is
    /// being aborted, so nothing must be served on it.
    /// </summary>
    public bool TlsEstablished() => deadline.TryComplete();

    public Func<TlsHandshakeCallbackContext, ValueTask<SslServerAuthenticationOptions>> Tls { get; } = tls;

    public byte[] Replay { get; } = replay;

    /// <summary>Whether the replayed request is <c>OPTIONS *</c>, the request RFC 2817 §3.2 suggests for a bare upgrade.</summary>
    public bool IsOptionsAsterisk { get; } = isOptionsAsterisk;

    /// <summary>True once: for the first request on the connection, which is the replayed one.</summary>
    public bool TakeReplayed() => System.Threading.Interlocked.Exchange(ref _replayed, 1) == 0;
}
