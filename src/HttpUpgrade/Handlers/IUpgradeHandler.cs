using System.Threading;
using System.Threading.Tasks;

namespace HttpUpgrade;

/// <summary>
/// A handler that owns the raw duplex connection once the server has answered <c>101 Switching Protocols</c>.
/// </summary>
public interface IUpgradeHandler
{
    /// <summary>Runs the upgraded protocol over <see cref="UpgradeContext.Transport"/> until it ends.</summary>
    /// <param name="context">The negotiated protocol and the connection's stream.</param>
    /// <param name="aborted">Signalled when the connection is aborted or the host shuts down.</param>
    Task HandleAsync(UpgradeContext context, CancellationToken aborted);
}
