using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using HttpUpgrade;
using HttpUpgrade.AspNetCore;
using HttpUpgrade.AspNetCore.FastPath;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

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
        => MapUpgrade(endpoints, pattern, null, null);

    /// <summary>
    /// Maps <paramref name="pattern"/>, for every method, to an endpoint that switches protocols to a handler registered
    /// with <c>[UpgradeProtocol]</c>, with settings from <paramref name="configure"/>.
    /// </summary>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <param name="configure">Sets this endpoint's <see cref="UpgradeEndpointOptions"/>, after any configured for the pattern's name.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">
    /// No upgrade handlers are registered (call <c>AddUpgradeHandlers()</c>), two of them collide (claim the same protocol,
    /// version and subprotocol), or the options are inconsistent.
    /// </exception>
    public static IEndpointConventionBuilder MapUpgrade(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Action<UpgradeEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return MapUpgrade(endpoints, pattern, configure, null);
    }

    /// <summary>
    /// Maps <paramref name="pattern"/> to an upgrade-only endpoint served by <typeparamref name="THandler"/> alone: its
    /// <c>[UpgradeProtocol]</c> registrations, and no other handler of the app.
    /// </summary>
    /// <typeparam name="THandler">An <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <param name="configure">Sets this endpoint's <see cref="UpgradeEndpointOptions"/>; null keeps the configured ones.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="THandler"/> is not a registered upgrade handler, or the handlers collide (claim the same protocol,
    /// version and subprotocol).
    /// </exception>
    public static IEndpointConventionBuilder MapUpgrade<THandler>(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Action<UpgradeEndpointOptions>? configure = null)
        where THandler : class
        => MapUpgrade(endpoints, pattern, configure, [typeof(THandler)]);

    /// <summary>Maps <paramref name="pattern"/> to an upgrade-only endpoint served by the two handlers named.</summary>
    /// <typeparam name="THandler1">An <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <typeparam name="THandler2">Another <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <param name="configure">Sets this endpoint's <see cref="UpgradeEndpointOptions"/>; null keeps the configured ones.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">A type is not a registered upgrade handler, or the handlers collide.</exception>
    public static IEndpointConventionBuilder MapUpgrade<THandler1, THandler2>(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Action<UpgradeEndpointOptions>? configure = null)
        where THandler1 : class
        where THandler2 : class
        => MapUpgrade(endpoints, pattern, configure, [typeof(THandler1), typeof(THandler2)]);

    /// <summary>Maps <paramref name="pattern"/> to an upgrade-only endpoint served by the three handlers named.</summary>
    /// <typeparam name="THandler1">An <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <typeparam name="THandler2">Another <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <typeparam name="THandler3">Another <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <param name="configure">Sets this endpoint's <see cref="UpgradeEndpointOptions"/>; null keeps the configured ones.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">A type is not a registered upgrade handler, or the handlers collide.</exception>
    public static IEndpointConventionBuilder MapUpgrade<THandler1, THandler2, THandler3>(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Action<UpgradeEndpointOptions>? configure = null)
        where THandler1 : class
        where THandler2 : class
        where THandler3 : class
        => MapUpgrade(endpoints, pattern, configure, [typeof(THandler1), typeof(THandler2), typeof(THandler3)]);

    /// <summary>Maps <paramref name="pattern"/> to an upgrade-only endpoint served by the four handlers named.</summary>
    /// <typeparam name="THandler1">An <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <typeparam name="THandler2">Another <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <typeparam name="THandler3">Another <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <typeparam name="THandler4">Another <c>[UpgradeProtocol]</c> handler class.</typeparam>
    /// <param name="endpoints">The app's route builder.</param>
    /// <param name="pattern">The route pattern, for example <c>/chat</c>.</param>
    /// <param name="configure">Sets this endpoint's <see cref="UpgradeEndpointOptions"/>; null keeps the configured ones.</param>
    /// <returns>A builder to add conventions (authorization, metadata) to the endpoint.</returns>
    /// <exception cref="InvalidOperationException">A type is not a registered upgrade handler, or the handlers collide.</exception>
    public static IEndpointConventionBuilder MapUpgrade<THandler1, THandler2, THandler3, THandler4>(
        this IEndpointRouteBuilder endpoints,
        [StringSyntax("Route")] string pattern,
        Action<UpgradeEndpointOptions>? configure = null)
        where THandler1 : class
        where THandler2 : class
        where THandler3 : class
        where THandler4 : class
        => MapUpgrade(endpoints, pattern, configure, [typeof(THandler1), typeof(THandler2), typeof(THandler3), typeof(THandler4)]);

    private static IEndpointConventionBuilder MapUpgrade(
        IEndpointRouteBuilder endpoints,
        string pattern,
        Action<UpgradeEndpointOptions>? configure,
        Type[]? handlerTypes)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);

        // Named options, named after the pattern: Configure<UpgradeEndpointOptions>("/chat", ...) and ConfigureAll apply
        // first, then the delegate given here. Each endpoint gets its own instance.
        IServiceProvider services = endpoints.ServiceProvider;
        UpgradeEndpointOptions options = services.GetService<IOptionsFactory<UpgradeEndpointOptions>>()?.Create(pattern) ?? new UpgradeEndpointOptions();
        configure?.Invoke(options);
        options.Negotiation.RequireUpgrade = true;

        UpgradeNegotiator negotiator;
        try
        {
            negotiator = new UpgradeNegotiator(ResolveRegistry(services, pattern, handlerTypes), options.Negotiation);
        }
        catch (ArgumentException exception)
        {
            throw new InvalidOperationException($"MapUpgrade(\"{pattern}\"): {exception.Message}", exception);
        }

        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger(Log.Category) ?? NullLogger.Instance;
        TimeSpan hostShutdownTimeout = services.GetService<IOptions<HostOptions>>()?.Value.ShutdownTimeout ?? Timeout.InfiniteTimeSpan;
        var connections = new UpgradedConnectionTracker(options.CloseTimeout, hostShutdownTimeout, options.MaxConcurrentConnections, logger);
        UpgradeMetrics metrics = UpgradeMetrics.For(services);
        var runner = new UpgradeHandlerRunner(negotiator, options, connections, metrics, logger);
        var endpoint = new UpgradeEndpoint(negotiator, runner, metrics, logger);

        // RFC 6455 §7.4.1: a server going away closes its WebSockets with 1001 rather than dropping them.
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(
            static state => ((UpgradedConnectionTracker)state!).BeginShutdown(), connections);

        // The same dispatcher, for the connection-level fast path (UseUpgradeFastPath).
        return endpoints.Map(pattern, endpoint.InvokeAsync).WithDisplayName("Upgrade " + pattern)
            .WithMetadata(new UpgradeFastPathMetadata(endpoint));
    }

    private static IUpgradeRegistry ResolveRegistry(IServiceProvider services, string pattern, Type[]? handlerTypes)
    {
        IUpgradeRegistry[] registries = services.GetService<IEnumerable<IUpgradeRegistry>>()?.ToArray() ?? [];
        if (registries.Length == 0)
        {
            throw new InvalidOperationException(
                $"MapUpgrade(\"{pattern}\") found no upgrade handlers. Call builder.Services.AddUpgradeHandlers() before building the app; it registers every [UpgradeProtocol] class of the assembly.");
        }

        if (handlerTypes is not null)
        {
            // The endpoint serves the handlers it names, and no other.
            return CompositeUpgradeRegistry.Select(registries, handlerTypes);
        }

        return registries.Length == 1 ? registries[0] : new CompositeUpgradeRegistry(registries);
    }
}
