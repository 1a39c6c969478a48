using System.Linq;
using HttpUpgrade.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The server side of HttpUpgrade in dependency injection.</summary>
public static class HttpUpgradeServiceCollectionExtensions
{
    /// <summary>
    /// Registers what connection-level upgrades need (<c>UseTlsUpgrade</c>, <c>UseH2cUpgrade</c>): the internal endpoint
    /// through which Kestrel serves a connection after its 101, and the middleware, first in the app, that negotiates
    /// TLS and h2c. Calling it twice is harmless; <c>AddUpgradeHandlers()</c> calls it when this package is referenced.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddHttpUpgrade(this IServiceCollection services)
    {
        System.ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static descriptor => descriptor.ServiceType == typeof(ReentryListenerFactory)))
        {
            services.AddSingleton<ReentryListenerFactory>();
            services.AddSingleton<IConnectionListenerFactory>(static provider => provider.GetRequiredService<ReentryListenerFactory>());
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, ConnectionUpgradeStartupFilter>());
        return services;
    }
}
