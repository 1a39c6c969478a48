using System;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using HttpUpgrade.Sample.Tests.Infrastructure;
using Xunit;

namespace HttpUpgrade.Sample.Tests;

/// <summary>
/// An instance whose Redis is not up yet starts anyway (AbortOnConnectFail=false), serves its own members, and joins
/// the chat once Redis is there.
/// </summary>
public sealed class LateRedisTests
{
    private static readonly TimeSpan s_patience = BackplaneFixture.Patience;

    [Fact]
    public async Task AnInstanceStartedBeforeRedisServesAloneThenJoinsTheChatWhenRedisIsUp()
    {
        await using RedisServer redis = RedisServer.NotStarted();
        using SampleInstance early = await SampleInstance.StartAsync("early", "Chat:Redis=" + redis.Configuration);
        try
        {
            string warning = await early.WaitForLogAsync("is not reachable yet", s_patience);
            Assert.Contains(redis.Configuration, warning, StringComparison.Ordinal);

            using (var http = new HttpClient { Timeout = s_patience })
            using (HttpResponseMessage about = await http.GetAsync(new Uri(early.HttpUri, "/about")))
            {
                Assert.Equal(HttpStatusCode.OK, about.StatusCode);
            }

            await using ChatClient first = await ChatClient.ConnectAsync(new Uri($"ws://127.0.0.1:{early.Port}/chat"));
            await first.SendAsync("late: alone");
            Assert.Equal("late: alone", await first.ReceiveAsync("late:", s_patience));

            await redis.StartProcessAsync();
            await early.WaitForLogAsync("Chat backplane: subscribed", s_patience);

            using SampleInstance later = await SampleInstance.StartAsync("later", "Chat:Redis=" + redis.Configuration);
            try
            {
                await later.WaitForLogAsync("Chat backplane: subscribed", s_patience);
                await using ChatClient second = await ChatClient.ConnectAsync(new Uri($"ws://127.0.0.1:{later.Port}/chat"));
                await BackplaneFixture.WaitUntilLinkedAsync(first, second);

                await second.SendAsync("late: from the other instance");
                Assert.Equal("late: from the other instance", await first.ReceiveAsync("late: from", s_patience));
                Assert.False(early.HasExited, early.Output);
            }
            finally
            {
                await later.StopAsync();
            }
        }
        finally
        {
            await early.StopAsync();
        }
    }
}
