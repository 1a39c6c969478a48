using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>The <c>HttpUpgrade.AspNetCore</c> meter, read with a <see cref="MeterListener"/> while real clients upgrade.</summary>
public abstract class MetricsCases(KestrelFixture server) : IDisposable
{
    private readonly ConcurrentQueue<Measurement> _measurements = new();
    private MeterListener? _listener;

    public void Dispose() => _listener?.Dispose();

    [Fact]
    public async Task AnAcceptedWebSocket_IsCounted_Timed_AndActiveWhileOpen()
    {
        Listen();
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("chat.v1");
        await client.ConnectAsync(server.WebSocketUri("/ws"), default);

        Measurement negotiated = await NextAsync("httpupgrade.negotiations", m => m.Tag("httpupgrade.outcome") == "accept");
        Assert.Equal("websocket", negotiated.Tag("httpupgrade.protocol"));
        Assert.Equal("101", negotiated.Tag("http.response.status_code"));
        Measurement duration = await NextAsync("httpupgrade.handshake.duration", m => m.Tag("httpupgrade.outcome") == "accept");
        Assert.InRange(duration.Value, 0, 60);
        Assert.Equal(1, (await NextAsync("httpupgrade.active_connections", m => m.Value > 0)).Value);

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, null, default);
        Assert.Equal(-1, (await NextAsync("httpupgrade.active_connections", m => m.Value < 0)).Value);
    }

    [Fact]
    public async Task ARefusal_IsCountedWithItsStatusAndReason()
    {
        Listen();
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n\r\n");
        Assert.Equal(400, (await connection.ReadHeadAsync()).StatusCode);

        Measurement negotiated = await NextAsync("httpupgrade.negotiations", m => m.Tag("httpupgrade.outcome") == "reject");
        Assert.Equal("400", negotiated.Tag("http.response.status_code"));
        Assert.Equal(nameof(UpgradeReason.InvalidWebSocketKey), negotiated.Tag("httpupgrade.reason"));
    }

    [Fact]
    public async Task AnUpgradeOverTheConnectionCap_IsCountedAs503WithItsReason()
    {
        Listen();
        await using RawConnection connection = await RawConnection.OpenAsync(server.Port);
        await connection.SendAsync("GET /full HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: echo/1\r\n\r\n");
        RawResponseHead head = await connection.ReadHeadAsync();
        Assert.Equal(503, head.StatusCode);
        Assert.Equal(["2"], head.Values("Retry-After"));

        Measurement negotiated = await NextAsync("httpupgrade.negotiations", m => m.Tag("httpupgrade.reason") == nameof(UpgradeReason.ConnectionLimitReached));
        Assert.Equal("reject", negotiated.Tag("httpupgrade.outcome"));
        Assert.Equal("503", negotiated.Tag("http.response.status_code"));
        Measurement duration = await NextAsync("httpupgrade.handshake.duration", m => m.Tag("httpupgrade.reason") == nameof(UpgradeReason.ConnectionLimitReached));
        Assert.InRange(duration.Value, 0, 60);
    }

    [Fact]
    public async Task AFailingHandler_IsCountedWithTheExceptionType()
    {
        Listen();
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("test.throws");
        await client.ConnectAsync(server.WebSocketUri("/ws"), default);

        Measurement failure = await NextAsync("httpupgrade.handler.failures", _ => true);
        Assert.Equal("websocket", failure.Tag("httpupgrade.protocol"));
        Assert.Equal(typeof(InvalidOperationException).FullName, failure.Tag("error.type"));
    }

    private void Listen()
    {
        Meter meter = server.Services.GetRequiredService<IMeterFactory>().Create("HttpUpgrade.AspNetCore");
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue(new Measurement(instrument.Name, value, tags.ToArray())));
        _listener.Start();
    }

    private async Task<Measurement> NextAsync(string instrument, Func<Measurement, bool> predicate)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            Measurement? found = _measurements.FirstOrDefault(m => m.Instrument == instrument && predicate(m));
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed record Measurement(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)
    {
        public string? Tag(string name) => Tags.FirstOrDefault(tag => tag.Key == name).Value?.ToString();
    }
}

/// <summary>The cases of <see cref="MetricsCases"/> against <c>MapUpgrade</c>, served by Kestrel's HTTP engine.</summary>
public sealed class MetricsTests(KestrelFixture server) : MetricsCases(server), IClassFixture<KestrelFixture>;

/// <summary>The cases of <see cref="MetricsCases"/> on a listener with <c>UseUpgradeFastPath()</c>.</summary>
public sealed class MetricsFastPathTests(FastPathKestrelFixture server) : MetricsCases(server), IClassFixture<FastPathKestrelFixture>;
