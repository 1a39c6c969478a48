using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using HttpUpgrade.Sample.Tests.Infrastructure;
using Xunit;

namespace HttpUpgrade.Sample.Tests;

/// <summary>
/// Several instances, one chat: two sample instances behind nginx share their room through Redis pub/sub, in order,
/// and through a Redis restart.
/// </summary>
public sealed class BackplaneTests(BackplaneFixture fixture) : IClassFixture<BackplaneFixture>
{
    private const string SwitchingToWebSocket = "Switching protocols for /chat to 'websocket'";

    private static readonly TimeSpan s_patience = BackplaneFixture.Patience;

    [Fact]
    public async Task MessagesFromAMemberOnOneInstanceReachAMemberOnTheOtherInOrderAndOnlyOnce()
    {
        await using ChatClient onA = await ChatClient.ConnectAsync(fixture.ThroughNginx("/a/chat"));
        await using ChatClient onB = await ChatClient.ConnectAsync(fixture.ThroughNginx("/b/chat"));
        await BackplaneFixture.WaitUntilLinkedAsync(onA, onB);

        string run = $"order-{Guid.NewGuid():N} ";
        string[] sent = Enumerable.Range(1, 100).Select(i => run + i).ToArray();
        foreach (string message in sent)
        {
            await onA.SendAsync(message);
        }

        IReadOnlyList<string> onBReceived = await onB.ReceiveUntilAsync(run, sent[^1], s_patience);
        Assert.Equal(sent, onBReceived);

        // B answers after it has all 100. Redis delivers A's 100 to A's subscription before B's answer, so if A delivered
        // its own messages again (the backplane's echo), the copies would reach A's member before the answer does.
        string answer = run + "done";
        await onB.SendAsync(answer);
        IReadOnlyList<string> onAReceived = await onA.ReceiveUntilAsync(run, answer, s_patience);
        Assert.Equal(sent.Append(answer), onAReceived);
    }

    [Fact]
    public async Task ClientsThroughTheRoundRobinUpstreamLandOnBothInstancesAndShareOneRoom()
    {
        int upgradesOnA = fixture.A.CountLog(SwitchingToWebSocket);
        int upgradesOnB = fixture.B.CountLog(SwitchingToWebSocket);

        await using ChatClient first = await ChatClient.ConnectAsync(fixture.ThroughNginx("/chat"));
        await using ChatClient second = await ChatClient.ConnectAsync(fixture.ThroughNginx("/chat"));
        Assert.Equal("chat.v1", first.SubProtocol);
        Assert.Equal("chat.v1", second.SubProtocol);

        // nginx's round robin sends consecutive connections to alternate instances: one handshake each.
        await WaitUntilAsync(
            () => fixture.A.CountLog(SwitchingToWebSocket) == upgradesOnA + 1 && fixture.B.CountLog(SwitchingToWebSocket) == upgradesOnB + 1,
            () => $"Expected one more WebSocket upgrade on each instance; A: {upgradesOnA} -> {fixture.A.CountLog(SwitchingToWebSocket)}, B: {upgradesOnB} -> {fixture.B.CountLog(SwitchingToWebSocket)}.");

        await BackplaneFixture.WaitUntilLinkedAsync(first, second);
        string run = $"round-robin-{Guid.NewGuid():N} ";
        await second.SendAsync(run + "hello from the other instance");
        Assert.Equal(run + "hello from the other instance", await first.ReceiveAsync(run, s_patience));
    }

    [Fact]
    public async Task ARedisRestartIsSurvivedAndMessagesSentAfterItAreDelivered()
    {
        await using ChatClient onA = await ChatClient.ConnectAsync(fixture.ThroughNginx("/a/chat"));
        await using ChatClient onB = await ChatClient.ConnectAsync(fixture.ThroughNginx("/b/chat"));
        await BackplaneFixture.WaitUntilLinkedAsync(onA, onB);
        int fromA = fixture.A.LineCount;
        int fromB = fixture.B.LineCount;

        await fixture.Redis.KillAsync();
        await fixture.A.WaitForLogAsync("Chat backplane: lost the Redis Subscription connection", s_patience, fromA);
        await fixture.B.WaitForLogAsync("Chat backplane: lost the Redis Subscription connection", s_patience, fromB);

        // Without Redis, each instance's members still chat among themselves.
        string run = $"restart-{Guid.NewGuid():N}";
        await onA.SendAsync(run + " while Redis is down");
        Assert.Equal(run + " while Redis is down", await onA.ReceiveAsync(run + " while", s_patience));

        await fixture.Redis.StartProcessAsync();
        await fixture.A.WaitForLogAsync("Chat backplane: Redis Subscription connection to", s_patience, fromA);
        await fixture.B.WaitForLogAsync("Chat backplane: Redis Subscription connection to", s_patience, fromB);
        await BackplaneFixture.WaitUntilLinkedAsync(onA, onB);

        string after = run + " after ";
        string[] fromAToB = Enumerable.Range(1, 20).Select(i => after + "A" + i).ToArray();
        string[] fromBToA = Enumerable.Range(1, 20).Select(i => after + "B" + i).ToArray();
        foreach (string message in fromAToB)
        {
            await onA.SendAsync(message);
        }

        foreach (string message in fromBToA)
        {
            await onB.SendAsync(message);
        }

        Assert.Equal(fromAToB, await onB.ReceiveUntilAsync(after + "A", fromAToB[^1], s_patience));
        Assert.Equal(fromBToA, await onA.ReceiveUntilAsync(after + "B", fromBToA[^1], s_patience));
        Assert.False(fixture.A.HasExited, "Instance A stopped:\n" + fixture.A.Output);
        Assert.False(fixture.B.HasExited, "Instance B stopped:\n" + fixture.B.Output);
    }

    [Fact]
    public async Task WithoutTheMetricsSettingThereIsNoMetricsEndpoint()
    {
        using var http = new HttpClient { Timeout = s_patience };
        using HttpResponseMessage response = await http.GetAsync(new Uri(fixture.A.HttpUri, "/metrics"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> failure)
    {
        DateTime deadline = DateTime.UtcNow + s_patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure());
            await Task.Delay(50);
        }
    }
}
