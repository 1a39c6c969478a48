using System;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HttpUpgrade.AspNetCore.Connections;

/// <summary>Puts <see cref="ConnectionUpgradeMiddleware"/> first in the app, before routing, so <c>OPTIONS *</c> reaches it too.</summary>
internal sealed class ConnectionUpgradeStartupFilter(ILoggerFactory? loggerFactory = null) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var middleware = new ConnectionUpgradeMiddleware(loggerFactory?.CreateLogger(Log.Category) ?? NullLogger.Instance);
        app.Use(nextDelegate => context => middleware.InvokeAsync(context, nextDelegate));
        next(app);
    };
}
