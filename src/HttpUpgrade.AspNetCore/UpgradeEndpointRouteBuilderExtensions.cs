using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using HttpUpgrade;
using HttpUpgrade.AspNetCore;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps upgrade-only endpoints that answer HTTP/1.1 <c>Upgrade</c> requests with the app's registered handlers.</summary>
public static class UpgradeEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <paramref name="pattern"/>, for every method, to an endpoint that switches protocols to a handler registered
    /// with <c>[UpgradeProtocol]</c>, and answers every other request with the matching error (400, 405 or
    /// <c>426 Upgrade Required</c> listing the registered protocols).
    /// </summary>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">No upgrade handlers are registered: call <c>AddUpgradeHandlers()</c>.</exception>
    public static IEndpointConventionBuilder MapUpgrade(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern)
        => MapUpgrade(endpoints, pattern, static _ => { });

    /// <summary>
    /// Maps <paramref name="pattern"/>, for every method, to an endpoint that switches protocols to a handler registered
    /// with <c>[UpgradeProtocol]</c>, with settings from <paramref name="configure"/>.
    /// </summary>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <param name="configure">Sets this endpoint's <see cref="UpgradeEndpointOptions"/>.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">No upgrade handlers are registered: call <c>AddUpgradeHandlers()</c>.</exception>
    public static IEndpointConventionBuilder MapUpgrade(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Action<UpgradeEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new UpgradeEndpointOptions();
        configure(options);

        IServiceProvider services = endpoints.ServiceProvider;
        IUpgradeRegistry registry = ResolveRegistry(services, pattern);
        var negotiator = new UpgradeNegotiator(registry, CreateNegotiatorOptions(registry, options, pattern));
        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger(Log.Category) ?? NullLogger.Instance;
        var endpoint = new UpgradeEndpoint(negotiator, options, logger);

        // RFC 6455 §7.4.1: a server going away closes its WebSockets with 1001 rather than dropping them.
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(static state => ((UpgradeEndpoint)state!).BeginShutdown(), endpoint);

        return endpoints.Map(pattern, endpoint.InvokeAsync).WithDisplayName("Upgrade " + pattern);
    }

    private static UpgradeNegotiatorOptions CreateNegotiatorOptions(IUpgradeRegistry registry, UpgradeEndpointOptions options, string pattern)
    {
        var negotiatorOptions = new UpgradeNegotiatorOptions
        {
            RequireUpgrade = true,
            MaxOffers = options.MaxOffers,
            UnmatchedSubProtocol = options.UnmatchedSubProtocol,
            WebSocketDeflate = options.WebSocketDeflate,
            Origin = options.AllowAnyOrigin ? WebSocketOriginPolicy.AnyOrigin
                : options.AllowedOrigins.Count > 0 ? WebSocketOriginPolicy.AllowList(options.AllowedOrigins)
                : WebSocketOriginPolicy.SameOrigin,
        };

        foreach ((Type handlerType, Action<UpgradeHandlerOptions> configure) in options.HandlerConfigurations)
        {
            bool found = false;
            foreach (UpgradeRegistration registration in registry.Registrations)
            {
                if (registration.HandlerType != handlerType)
                {
                    continue;
                }

                found = true;
                var handlerOptions = new UpgradeHandlerOptions { WebSocketDeflate = negotiatorOptions.GetWebSocketDeflate(registration) };
                configure(handlerOptions);
                negotiatorOptions.SetWebSocketDeflate(registration, handlerOptions.WebSocketDeflate);
            }

            if (!found)
            {
                throw new InvalidOperationException(
                    $"MapUpgrade(\"{pattern}\"): ForHandler<{handlerType.FullName}>() names a class that is not a registered upgrade handler. Mark it with [UpgradeProtocol] and call AddUpgradeHandlers() for its assembly.");
            }
        }

        return negotiatorOptions;
    }

    private static IUpgradeRegistry ResolveRegistry(IServiceProvider services, string pattern)
    {
        IUpgradeRegistry[] registries = services.GetService<IEnumerable<IUpgradeRegistry>>()?.ToArray() ?? [];
        return registries.Length switch
        {
            0 => throw new InvalidOperationException(
                $"MapUpgrade(\"{pattern}\") found no upgrade handlers. Call builder.Services.AddUpgradeHandlers() before building the app; it registers every [UpgradeProtocol] class of the assembly."),
            1 => registries[0],
            _ => new CompositeUpgradeRegistry(registries),
        };
    }
}
