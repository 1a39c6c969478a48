using System;
using Microsoft.AspNetCore.Http;

namespace HttpUpgrade;

/// <summary>ASP.NET Core access to an <see cref="UpgradeContext"/>.</summary>
public static class UpgradeContextHttpExtensions
{
    /// <summary>
    /// The <see cref="HttpContext"/> of the request that was upgraded, or null when the context was not created by the
    /// ASP.NET Core adapter. Its request head (path, query, headers, user) stays readable; its response must not be used,
    /// because the connection now belongs to the handler. On a connection answered by the upgrade fast path
    /// (<c>UseUpgradeFastPath</c>) it is built from the request head the first time it is asked for; no middleware ran
    /// for that request, so its user is anonymous.
    /// </summary>
    /// <param name="context">The context handed to the handler.</param>
    public static HttpContext? GetHttpContext(this UpgradeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HostContext switch
        {
            HttpContext http => http,
            HttpUpgrade.AspNetCore.FastPath.FastPathConnection fastPath => fastPath.HttpContext,
            _ => null,
        };
    }
}
