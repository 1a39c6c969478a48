using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.WebSockets;
using System.Threading;
using System.Threading.Tasks;
using HttpUpgrade.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>What <c>MapUpgrade</c> checks when the app starts, before any request.</summary>
public sealed class MapUpgradeTests
{
    [Fact]
    public async Task WithoutAddUpgradeHandlers_TellsTheUserWhatToCall()
    {
        await using WebApplication app = WebApplication.CreateSlimBuilder().Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapUpgrade("/chat"));
        Assert.Contains("builder.Services.AddUpgradeHandlers()", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/chat", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAddUpgradeHandlers_MapsOneEndpointNamedAfterThePattern()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddUpgradeHandlers();
        await using WebApplication app = builder.Build();

        IEndpointConventionBuilder endpoint = app.MapUpgrade("/chat/{room}");
        Assert.NotNull(endpoint);
        var source = Assert.Single(((IEndpointRouteBuilder)app).DataSources);
        var route = Assert.IsType<RouteEndpoint>(Assert.Single(source.Endpoints));
        Assert.Equal("/chat/{room}", route.RoutePattern.RawText);
        Assert.Equal("Upgrade /chat/{room}", route.DisplayName);
    }

    public static TheoryData<string, Action<UpgradeEndpointOptions>, string> InvalidOptions => new()
    {
        { "a negative keep-alive interval", o => o.WebSocketKeepAliveInterval = TimeSpan.FromSeconds(-1), nameof(UpgradeEndpointOptions.WebSocketKeepAliveInterval) },
        { "a zero close timeout", o => o.CloseTimeout = TimeSpan.Zero, nameof(UpgradeEndpointOptions.CloseTimeout) },
        { "a negative close timeout", o => o.CloseTimeout = TimeSpan.FromSeconds(-5), nameof(UpgradeEndpointOptions.CloseTimeout) },
        { "no offers at all", o => o.Negotiation.MaxOffers = 0, nameof(UpgradeNegotiatorOptions.MaxOffers) },
        { "more offers than the negotiator reads", o => o.Negotiation.MaxOffers = 65, nameof(UpgradeNegotiatorOptions.MaxOffers) },
        { "a negative keep-alive timeout", o => o.WebSocketKeepAliveTimeout = TimeSpan.FromSeconds(-1), nameof(UpgradeEndpointOptions.WebSocketKeepAliveTimeout) },
        { "an undefined subprotocol behavior", o => o.Negotiation.UnmatchedSubProtocol = (UnmatchedSubProtocolBehavior)9, nameof(UpgradeNegotiatorOptions.UnmatchedSubProtocol) },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void InvalidOptions_AreRejectedWithTheOptionNamed(string rule, Action<UpgradeEndpointOptions> configure, string option)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => configure(new UpgradeEndpointOptions()));
        Assert.True(option == exception.ParamName, rule);
        Assert.Contains(option, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAllowedOriginThatIsNotAnOrigin_FailsAtStartup()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddUpgradeHandlers();
        await using WebApplication app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapUpgrade("/chat", o => o.Negotiation.AllowedOrigins.Add("https://example.com/chat")));
        Assert.Contains("https://example.com/chat", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/chat", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForHandler_NamingAClassThatIsNoHandler_FailsAtStartup()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddUpgradeHandlers();
        await using WebApplication app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapUpgrade("/chat", o => o.Negotiation.ForHandler<MapUpgradeTests>(h => h.WebSocketDeflate = null)));
        Assert.Contains("HttpUpgrade.AspNetCore.Tests.MapUpgradeTests", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/chat", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_HaveDocumentedDefaults_AndAcceptTheDisablingValues()
    {
        var options = new UpgradeEndpointOptions();
        Assert.Equal(TimeSpan.FromSeconds(30), options.WebSocketKeepAliveInterval);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.WebSocketKeepAliveTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CloseTimeout);
        Assert.True(options.Negotiation.RequireUpgrade);
        Assert.Equal(8, options.Negotiation.MaxOffers);
        Assert.Empty(options.Negotiation.AllowedOrigins);
        Assert.True(options.Negotiation.AllowSameOrigin);
        Assert.False(options.Negotiation.AllowAnyOrigin);
        Assert.Equal(UnmatchedSubProtocolBehavior.Reject, options.Negotiation.UnmatchedSubProtocol);
        Assert.Null(options.Negotiation.WebSocketDeflate);

        options.WebSocketKeepAliveInterval = TimeSpan.Zero;
        options.WebSocketKeepAliveInterval = Timeout.InfiniteTimeSpan;
        options.CloseTimeout = Timeout.InfiniteTimeSpan;
        options.Negotiation.MaxOffers = 64;
        Assert.Equal(Timeout.InfiniteTimeSpan, options.WebSocketKeepAliveInterval);
        Assert.Equal(64, options.Negotiation.MaxOffers);
    }

    [Fact]
    public async Task MapUpgradeOfAClassThatIsNoHandler_FailsAtStartup()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddUpgradeHandlers();
        await using WebApplication app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapUpgrade<RawEchoHandler, MapUpgradeTests>("/telemetry"));
        Assert.Contains("HttpUpgrade.AspNetCore.Tests.MapUpgradeTests", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/telemetry", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoWebSocketHandlersWithoutSubProtocols_ServeDifferentEndpoints_ButNeverOne()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<IUpgradeRegistry>(new TwoPlainWebSocketHandlers());
        await using WebApplication app = builder.Build();

        app.MapUpgrade<ChatSocket>("/chat");
        app.MapUpgrade<TelemetrySocket>("/telemetry");
        Assert.Equal(2, ((IEndpointRouteBuilder)app).DataSources.Single().Endpoints.Count);

        // Served together, no request could choose between them: a clear error when the app starts, never a guess.
        foreach (Func<IEndpointConventionBuilder> map in new Func<IEndpointConventionBuilder>[] { () => app.MapUpgrade("/all"), () => app.MapUpgrade<ChatSocket, TelemetrySocket>("/both") })
        {
            var exception = Assert.Throws<InvalidOperationException>(map);
            Assert.Contains(typeof(ChatSocket).FullName!.Replace('+', '.'), exception.Message, StringComparison.Ordinal);
            Assert.Contains(typeof(TelemetrySocket).FullName!.Replace('+', '.'), exception.Message, StringComparison.Ordinal);
            Assert.Contains("websocket/13", exception.Message, StringComparison.Ordinal);
        }
    }

    public class ChatSocket : IWebSocketHandler
    {
        public Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
    }

    public sealed class TelemetrySocket : ChatSocket;

    /// <summary>A hand-written registry: two WebSocket handlers, neither with a subprotocol.</summary>
    private sealed class TwoPlainWebSocketHandlers : IUpgradeRegistry
    {
        private readonly UpgradeRegistration[] _registrations =
        [
            new WebSocketHandlerRegistration("websocket", ["13"], [], typeof(ChatSocket), static _ => new ChatSocket()),
            new WebSocketHandlerRegistration("websocket", [], [], typeof(TelemetrySocket), static _ => new TelemetrySocket()),
        ];

        public IReadOnlyList<UpgradeRegistration> Registrations => _registrations;

        public ReadOnlySpan<UpgradeRegistration> Match(ReadOnlySpan<char> name)
            => name.Equals("websocket", StringComparison.OrdinalIgnoreCase) ? _registrations : default;
    }
}
