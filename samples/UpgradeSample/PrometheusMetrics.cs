using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace UpgradeSample;

/// <summary>
/// Optional OpenTelemetry metrics in Prometheus text format on <c>/metrics</c>, turned on by the
/// <c>Metrics:Prometheus=true</c> setting: HttpUpgrade's instruments beside Kestrel's.
/// </summary>
public static class PrometheusMetrics
{
    /// <summary>The setting that turns the <c>/metrics</c> endpoint on.</summary>
    public const string ConfigurationKey = "Metrics:Prometheus";

    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>Whether <paramref name="configuration"/> turns the endpoint on.</summary>
    // A plain parse rather than the configuration binder: nothing to trim, nothing to generate.
    public static bool IsEnabled(IConfiguration configuration)
        => bool.TryParse(configuration[ConfigurationKey], out bool enabled) && enabled;

    /// <summary>Collects the meters of HttpUpgrade and Kestrel for the Prometheus exporter.</summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter("HttpUpgrade.AspNetCore")                    // httpupgrade.* (docs/observability.md)
            .AddMeter("Microsoft.AspNetCore.Server.Kestrel")       // kestrel.upgraded_connections and the rest
            .AddPrometheusExporter());
        return services;
    }

    /// <summary>Serves the collected metrics on <see cref="Path"/>, in Prometheus text format (or OpenMetrics when asked).</summary>
    public static WebApplication MapPrometheusMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }
}
