namespace HttpUpgrade.AspNetCore.FastPath;

/// <summary>
/// Endpoint metadata that every <c>MapUpgrade</c> endpoint carries: the endpoint's own dispatcher, with its negotiator,
/// runner, meter and logger, so the connection-level fast path (<c>UseUpgradeFastPath</c>) answers exactly as the
/// endpoint would, with the same options, tracker (shutdown and connection cap) and instruments.
/// </summary>
internal sealed class UpgradeFastPathMetadata(UpgradeEndpoint endpoint)
{
    public UpgradeEndpoint Endpoint { get; } = endpoint;
}
