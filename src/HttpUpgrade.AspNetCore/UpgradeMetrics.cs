using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace HttpUpgrade.AspNetCore;

/// <summary>
/// The instruments of the <c>HttpUpgrade.AspNetCore</c> meter, named as OpenTelemetry's semantic conventions name
/// Kestrel's (<c>kestrel.upgraded_connections</c>, <c>http.server.request.duration</c>): what was negotiated, how long the
/// handshake took, how many upgraded connections are open, and how often handlers fail. One set per app, from its
/// <see cref="IMeterFactory"/>, so two apps in one process (tests) count apart.
/// </summary>
internal sealed class UpgradeMetrics
{
    public const string MeterName = "HttpUpgrade.AspNetCore";

    private static readonly ConditionalWeakTable<IMeterFactory, UpgradeMetrics> s_byFactory = new();
    private static readonly Lazy<UpgradeMetrics> s_shared = new(() => new UpgradeMetrics(new Meter(MeterName)));

    private readonly Counter<long> _negotiations;
    private readonly Histogram<double> _handshakeDuration;
    private readonly UpDownCounter<long> _activeConnections;
    private readonly Counter<long> _handlerFailures;

    private UpgradeMetrics(Meter meter)
    {
        Meter = meter;
        _negotiations = meter.CreateCounter<long>(
            "httpupgrade.negotiations", "{negotiation}", "Upgrade requests answered, by protocol, outcome, status code and reason.");
        _handshakeDuration = meter.CreateHistogram<double>(
            "httpupgrade.handshake.duration", "s", "From the request reaching the endpoint to the 101 sent, or the refusal written.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1] });
        _activeConnections = meter.CreateUpDownCounter<long>(
            "httpupgrade.active_connections", "{connection}", "Connections switched to another protocol and still open.");
        _handlerFailures = meter.CreateCounter<long>(
            "httpupgrade.handler.failures", "{failure}", "Handlers that could not be created or threw, by protocol and exception type.");
    }

    public Meter Meter { get; }

    /// <summary>The app's instruments: from its <see cref="IMeterFactory"/> when it has one, else the process-wide set.</summary>
    public static UpgradeMetrics For(IServiceProvider services)
    {
        if (services.GetService<IMeterFactory>() is not { } factory)
        {
            return s_shared.Value;
        }

        return s_byFactory.GetValue(factory, static factory => new UpgradeMetrics(factory.Create(MeterName)));
    }

    /// <summary>Records one answered request: its decision, and how long it took since <paramref name="startTimestamp"/>.</summary>
    public void Negotiated(in UpgradeDecision decision, long startTimestamp)
    {
        if (!_negotiations.Enabled && !_handshakeDuration.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "httpupgrade.protocol", decision.Registration?.Name ?? "none" },
            { "httpupgrade.outcome", OutcomeName(decision.Outcome) },
            { "http.response.status_code", decision.StatusCode },
        };

        if (decision.Outcome != UpgradeOutcome.Accept)
        {
            tags.Add("httpupgrade.reason", decision.Reason.ToString());
        }

        _negotiations.Add(1, tags);
        _handshakeDuration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
    }

    /// <summary>One more connection of <paramref name="protocol"/> is open; dispose the result when it closes.</summary>
    public ActiveConnection Opened(string protocol)
    {
        var tags = new TagList { { "httpupgrade.protocol", protocol } };
        _activeConnections.Add(1, tags);
        return new ActiveConnection(this, protocol);
    }

    public void HandlerFailed(string protocol, Exception exception)
        => _handlerFailures.Add(1, new TagList { { "httpupgrade.protocol", protocol }, { "error.type", exception.GetType().FullName } });

    private static string OutcomeName(UpgradeOutcome outcome) => outcome switch
    {
        UpgradeOutcome.Accept => "accept",
        UpgradeOutcome.Reject => "reject",
        _ => "ignore",
    };

    /// <summary>Counts a connection down when disposed.</summary>
    internal readonly struct ActiveConnection(UpgradeMetrics metrics, string protocol) : IDisposable
    {
        public void Dispose() => metrics._activeConnections.Add(-1, new TagList { { "httpupgrade.protocol", protocol } });
    }
}
