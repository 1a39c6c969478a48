using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Browser.Tests;

/// <summary>
/// A real browser against the sample: headless Chromium loads the chat page, whose script opens
/// <c>new WebSocket(url, ["chat.v2", "chat.v1"])</c>, exchanges messages, and reports what was negotiated. Over HTTPS the
/// page comes over HTTP/2, and Chromium opens the WebSocket on that connection with extended CONNECT (RFC 8441).
/// </summary>
public sealed class BrowserChatTests(SampleServer sample) : IClassFixture<SampleServer>
{
    private static readonly string[] Messages = ["hello from chromium", "héllo, ünïcode ✓", new string('x', 20_000)];

    [Fact]
    public async Task Chromium_OverHttp11_NegotiatesChatV2AndDeflate_AndGetsItsMessagesBack()
    {
        JsonElement result = await RoundTripAsync(sample.HttpUri);

        Assert.Equal("http/1.1", result.GetProperty("pageProtocol").GetString());
        AssertNegotiated(result);
        string line = await sample.WaitForLogAsync("over HTTP/1.1", TimeSpan.FromSeconds(5));
        Assert.Contains("Switching protocols for /chat to 'websocket'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_OverHttpsAndHttp2_UsesExtendedConnect_AndTheSameHandler()
    {
        JsonElement result = await RoundTripAsync(sample.HttpsUri);

        Assert.Equal("h2", result.GetProperty("pageProtocol").GetString());
        AssertNegotiated(result);
        string line = await sample.WaitForLogAsync("over HTTP/2", TimeSpan.FromSeconds(5));
        Assert.Contains("Switching protocols for /chat to 'websocket'", line, StringComparison.Ordinal);
        Assert.Contains("ChatHandler", line, StringComparison.Ordinal);
    }

    private static void AssertNegotiated(JsonElement result)
    {
        // The client's most preferred subprotocol the handler speaks, and permessage-deflate accepted as Chromium offered it.
        Assert.Equal("chat.v2", result.GetProperty("protocol").GetString());
        Assert.Equal(ExtensionList.Parse("permessage-deflate"), ExtensionList.Parse(result.GetProperty("extensions").GetString()));
        Assert.Equal(Messages, result.GetProperty("received").EnumerateArray().Select(m => m.GetString()).ToArray());
        Assert.Equal(1000, result.GetProperty("closeCode").GetInt32());
    }

    private static async Task<JsonElement> RoundTripAsync(Uri page)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using HeadlessChromium browser = await HeadlessChromium.LaunchAsync(page, timeout.Token);
        try
        {
            await browser.WaitUntilAsync("document.readyState === 'complete' && typeof window.chatRoundTrip === 'function'", timeout.Token);
            return await browser.EvaluateAsync($"window.chatRoundTrip({JsonSerializer.Serialize(Messages)})", timeout.Token);
        }
        catch (OperationCanceledException exception)
        {
            throw new TimeoutException($"The page did not finish in time. Browser output:\n{browser.BrowserOutput}", exception);
        }
    }
}
