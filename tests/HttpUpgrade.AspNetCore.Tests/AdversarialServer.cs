using System;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// <see cref="KestrelFixture"/> with a short <see cref="KestrelServerLimits.RequestHeadersTimeout"/>, so a slowloris or
/// half-open client of the adversarial corpus is cut within seconds rather than Kestrel's default 30.
/// </summary>
public sealed class AdversarialServer : KestrelFixture
{
    /// <summary>The corpus' server: heads must arrive within 2 s.</summary>
    public AdversarialServer()
        : this(TimeSpan.FromSeconds(2))
    {
    }

    /// <summary>A server of its own for a scenario that stops it or fills it.</summary>
    internal AdversarialServer(TimeSpan requestHeadersTimeout) => RequestHeadersTimeout = requestHeadersTimeout;

    public TimeSpan RequestHeadersTimeout { get; }

    protected override void ConfigureLimits(KestrelServerLimits limits) => limits.RequestHeadersTimeout = RequestHeadersTimeout;
}
