using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>
/// Endpoint metadata that every <c>MapUpgrade</c> endpoint carries: the same negotiator, runner, meter and logger its
/// request delegate uses, so the connection-level fast path (<c>UseUpgradeFastPath</c>) answers exactly as the endpoint
/// would, with the same options, tracker (shutdown) and instruments.
/// </summary>
internal sealed class UpgradeFastPathMetadata(UpgradeNegotiator negotiator, UpgradeHandlerRunner runner, UpgradeMetrics metrics, ILogger logger)
{
    public UpgradeNegotiator Negotiator { get; } = negotiator;

    public UpgradeHandlerRunner Runner { get; } = runner;

    public UpgradeMetrics Metrics { get; } = metrics;

    public ILogger Logger { get; } = logger;
}
