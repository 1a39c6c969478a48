using System;
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
        { "no offers at all", o => o.MaxOffers = 0, nameof(UpgradeEndpointOptions.MaxOffers) },
        { "more offers than the negotiator reads", o => o.MaxOffers = 65, nameof(UpgradeEndpointOptions.MaxOffers) },
        { "a negative keep-alive timeout", o => o.WebSocketKeepAliveTimeout = TimeSpan.FromSeconds(-1), nameof(UpgradeEndpointOptions.WebSocketKeepAliveTimeout) },
        { "an undefined subprotocol behavior", o => o.UnmatchedSubProtocol = (UnmatchedSubProtocolBehavior)9, nameof(UpgradeEndpointOptions.UnmatchedSubProtocol) },
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

        var exception = Assert.Throws<ArgumentException>(() => app.MapUpgrade("/chat", o => o.AllowedOrigins.Add("https://example.com/chat")));
        Assert.Contains("https://example.com/chat", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForHandler_NamingAClassThatIsNoHandler_FailsAtStartup()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddUpgradeHandlers();
        await using WebApplication app = builder.Build();

        var exception = Assert.Throws<InvalidOperationException>(() => app.MapUpgrade("/chat", o => o.ForHandler<MapUpgradeTests>(h => h.WebSocketDeflate = null)));
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
        Assert.Equal(8, options.MaxOffers);
        Assert.Empty(options.AllowedOrigins);
        Assert.False(options.AllowAnyOrigin);
        Assert.Equal(UnmatchedSubProtocolBehavior.Reject, options.UnmatchedSubProtocol);
        Assert.Null(options.WebSocketDeflate);

        options.WebSocketKeepAliveInterval = TimeSpan.Zero;
        options.WebSocketKeepAliveInterval = Timeout.InfiniteTimeSpan;
        options.CloseTimeout = Timeout.InfiniteTimeSpan;
        options.MaxOffers = 64;
        Assert.Equal(Timeout.InfiniteTimeSpan, options.WebSocketKeepAliveInterval);
        Assert.Equal(64, options.MaxOffers);
    }
}
