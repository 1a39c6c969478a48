using System.Diagnostics;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The request delegate behind one <c>MapUpgrade</c> endpoint: negotiates, then either hands an accepted decision to the
/// runner or writes the rejection as the negotiator made it.
/// </summary>
internal sealed class UpgradeEndpoint(UpgradeNegotiator negotiator, UpgradeHandlerRunner runner, UpgradeMetrics metrics, ILogger logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        UpgradeDecision decision = negotiator.Negotiate(new HttpRequestUpgradeView(context.Request));
        if (decision.Outcome == UpgradeOutcome.Accept)
        {
            return runner.RunAsync(context, decision, start);
        }

        // The negotiator requires an upgrade here (RequireUpgrade), so it never ignores a request: this is a rejection.
        Log.UpgradeRejected(logger, context.Request.Path.Value ?? "/", decision.StatusCode, decision.Reason);
        metrics.Negotiated(decision, start);
        return UpgradeResponseWriter.WriteAsync(context, decision);
    }
}
