using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The request delegate behind one <c>MapUpgrade</c> endpoint: negotiates, then either hands an accepted decision to the
/// runner or writes the rejection as the negotiator made it. The connection-level fast path dispatches through it too,
/// with its own host and its own view of the request head.
/// </summary>
internal sealed class UpgradeEndpoint(UpgradeNegotiator negotiator, UpgradeHandlerRunner runner, UpgradeMetrics metrics, ILogger logger)
{
    public Task InvokeAsync(HttpContext context)
        => DispatchAsync(new HttpContextUpgradeHost(context), new HttpRequestUpgradeView(context.Request));

    /// <summary>Negotiates <paramref name="request"/> and carries the decision out on <paramref name="host"/>.</summary>
    public Task DispatchAsync<THost, TRequest>(THost host, TRequest request)
        where THost : IUpgradeHost
        where TRequest : IUpgradeRequest
    {
        long start = Stopwatch.GetTimestamp();
        UpgradeDecision decision = negotiator.Negotiate(request);
        if (decision.Outcome == UpgradeOutcome.Accept)
        {
            return runner.RunAsync(host, decision, start);
        }

        // The negotiator requires an upgrade here (RequireUpgrade), so it never ignores a request: this is a rejection.
        Log.UpgradeRejected(logger, host.Path, decision.StatusCode, decision.Reason);
        metrics.Negotiated(decision, start);
        return host.WriteRefusalAsync(decision);
    }
}
