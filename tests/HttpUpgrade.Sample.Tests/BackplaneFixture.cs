using System;
using System.Threading.Tasks;
using HttpUpgrade.Sample.Tests.Infrastructure;
using Xunit;

namespace HttpUpgrade.Sample.Tests;

/// <summary>
/// A real redis-server, two instances of the sample joined by it (<c>Chat:Redis</c>), and nginx in front of both:
/// <c>/chat</c> round-robin over the two, <c>/a/chat</c> and <c>/b/chat</c> pinned to one each.
/// </summary>
public sealed class BackplaneFixture : IAsyncLifetime
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public RedisServer Redis { get; private set; } = null!;

    public SampleInstance A { get; private set; } = null!;

    public SampleInstance B { get; private set; } = null!;

    public NginxProxy Nginx { get; private set; } = null!;

    /// <summary>A WebSocket URI through nginx, e.g. <c>/a/chat</c>.</summary>
    public Uri ThroughNginx(string path) => new($"ws://127.0.0.1:{Nginx.Port}{path}");

    public async Task InitializeAsync()
    {
        try
        {
            Redis = await RedisServer.StartAsync();
            Task<SampleInstance> a = SampleInstance.StartAsync("A", "Chat:Redis=" + Redis.Configuration);
            Task<SampleInstance> b = SampleInstance.StartAsync("B", "Chat:Redis=" + Redis.Configuration);
            try
            {
                await Task.WhenAll(a, b);
            }
            finally
            {
                // Whichever started is stopped by DisposeAsync below if the other did not.
                A = a.IsCompletedSuccessfully ? a.Result : null!;
                B = b.IsCompletedSuccessfully ? b.Result : null!;
            }

            await A.WaitForLogAsync("Chat backplane: subscribed", Patience);
            await B.WaitForLogAsync("Chat backplane: subscribed", Patience);
            Nginx = await NginxProxy.StartAsync(A.Port, B.Port);
        }
        catch
        {
            // No process outlives a failed start.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends numbered probes from each client until the other receives one: the instances' subscriptions are live in
    /// both directions. Probes are skipped by later receives, which filter by their own prefix.
    /// </summary>
    public static async Task WaitUntilLinkedAsync(ChatClient one, ChatClient other)
    {
        await ProbeAsync(one, other);
        await ProbeAsync(other, one);
    }

    private static async Task ProbeAsync(ChatClient from, ChatClient to)
    {
        string prefix = "probe-" + Guid.NewGuid().ToString("N") + "-";
        DateTime deadline = DateTime.UtcNow + Patience;
        for (int attempt = 1; ; attempt++)
        {
            await from.SendAsync(prefix + attempt);
            try
            {
                await to.ReceiveAsync(prefix, TimeSpan.FromMilliseconds(300));
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not linked yet (subscribing, or reconnecting after a Redis restart).
            }
        }
    }

    /// <summary>Stops nginx, the instances and Redis; safe to call again (after a failed start, xunit may call it too).</summary>
    public async Task DisposeAsync()
    {
        if (Nginx is not null)
        {
            await Nginx.DisposeAsync();
            Nginx = null!;
        }

        foreach (SampleInstance? instance in new[] { A, B })
        {
            if (instance is not null)
            {
                await instance.StopAsync();
                instance.Dispose();
            }
        }

        A = B = null!;
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
            Redis = null!;
        }
    }
}
