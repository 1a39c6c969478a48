using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using HttpUpgrade.Sample.Tests.Infrastructure;
using Xunit;

namespace HttpUpgrade.Sample.Tests;

/// <summary>
/// The sample with <c>Metrics:Prometheus=true</c>, and no Redis: after real upgrades, <c>/metrics</c> shows HttpUpgrade's
/// instruments in Prometheus text format, named and labelled as docs/observability.md says.
/// </summary>
public sealed class PrometheusMetricsTests : IAsyncLifetime
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    private SampleInstance _sample = null!;

    public async Task InitializeAsync() => _sample = await SampleInstance.StartAsync("metrics", "Metrics:Prometheus=true");

    [Fact]
    public async Task MetricsShowTheUpgradeInstrumentsAfterAnUpgrade()
    {
        using var http = new HttpClient { Timeout = s_patience };
        var chat = new Uri($"ws://127.0.0.1:{_sample.Port}/chat");
        await using ChatClient member = await ChatClient.ConnectAsync(chat);
        Assert.Equal("chat.v1", member.SubProtocol);

        // Without Chat:Redis the room is this instance alone, and needs no Redis: the sender gets its message back.
        await member.SendAsync("metrics: hello");
        Assert.Equal("metrics: hello", await member.ReceiveAsync("metrics:", s_patience));
        Assert.Equal(0, _sample.CountLog("Chat backplane"));

        // A plain request to the upgrade-only endpoint: refused with 426.
        using (HttpResponseMessage refused = await http.GetAsync(new Uri(_sample.HttpUri, "/chat")))
        {
            Assert.Equal(HttpStatusCode.UpgradeRequired, refused.StatusCode);
        }

        using HttpResponseMessage response = await http.GetAsync(new Uri(_sample.HttpUri, "/metrics"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        string text = await response.Content.ReadAsStringAsync();
        string[] lines = text.Split('\n');

        Assert.Contains("# TYPE httpupgrade_negotiations_total counter", lines);
        Assert.Contains("# TYPE httpupgrade_handshake_duration_seconds histogram", lines);
        Assert.Contains("# TYPE httpupgrade_active_connections gauge", lines);

        // The WebSocket handshake: accepted with 101.
        AssertSample(lines, "httpupgrade_negotiations_total{", ["httpupgrade_protocol=\"websocket\"", "httpupgrade_outcome=\"accept\"", "http_response_status_code=\"101\""], "1");
        AssertSample(lines, "httpupgrade_handshake_duration_seconds_count{", ["httpupgrade_protocol=\"websocket\"", "http_response_status_code=\"101\""], "1");
        AssertSample(lines, "httpupgrade_handshake_duration_seconds_bucket{", ["httpupgrade_protocol=\"websocket\"", "le=\"+Inf\""], "1");

        // The plain GET: refused with 426, with the reason.
        AssertSample(lines, "httpupgrade_negotiations_total{", ["httpupgrade_protocol=\"none\"", "httpupgrade_outcome=\"reject\"", "http_response_status_code=\"426\"", "httpupgrade_reason=\""], "1");

        // The member is still connected.
        AssertSample(lines, "httpupgrade_active_connections{", ["httpupgrade_protocol=\"websocket\""], "1");
    }

    public async Task DisposeAsync()
    {
        if (_sample is not null)
        {
            await _sample.StopAsync();
            _sample.Dispose();
        }
    }

    /// <summary>One sample line of <paramref name="metric"/> has every label and <paramref name="value"/> (a timestamp may follow).</summary>
    private static void AssertSample(string[] lines, string metric, string[] labels, string value)
    {
        string[] candidates = lines.Where(line => line.StartsWith(metric, StringComparison.Ordinal)).ToArray();
        Assert.True(
            candidates.Any(line => labels.All(label => line.Contains(label, StringComparison.Ordinal))
                && line[(line.LastIndexOf('}') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() == value),
            $"No line '{metric}...' with {string.Join(", ", labels)} and value {value}. Lines:\n{string.Join("\n", candidates)}");
    }
}
