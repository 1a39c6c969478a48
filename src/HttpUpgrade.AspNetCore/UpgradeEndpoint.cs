using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The request delegate behind one <c>MapUpgrade</c> endpoint: negotiates, then either hands an accepted decision to the
/// runner or writes the rejection as the negotiator made it.
/// </summary>
internal sealed class UpgradeEndpoint(UpgradeNegotiator negotiator, UpgradeHandlerRunner runner, ILogger logger)
{
    public Task InvokeAsync(HttpContext context)
    {
        UpgradeDecision decision = negotiator.Negotiate(new HttpRequestUpgradeView(context.Request));
        if (decision.Outcome == UpgradeOutcome.Accept)
        {
            return runner.RunAsync(context, decision);
        }

        // The negotiator requires an upgrade here (RequireUpgrade), so it never ignores a request: this is a rejection.
        Log.UpgradeRejected(logger, context.Request.Path.Value ?? "/", decision.StatusCode, decision.Reason);
        return UpgradeResponseWriter.WriteAsync(context, decision);
    }
}
