using System;
using Xunit;

namespace HttpUpgrade.Tests;

public sealed class CompositeUpgradeRegistryTests
{
    private static readonly UpgradeRegistration AppEcho = Registrations.Create("echo", "1", handler: "AppEcho");
    private static readonly UpgradeRegistration AppWebSocket = Registrations.Create("websocket", "13", handler: "AppWebSocket");
    private static readonly UpgradeRegistration LibraryChat = Registrations.Create("chat", handler: "LibraryChat");
    private static readonly UpgradeRegistration LibraryEcho = Registrations.Create("ECHO", "2", handler: "LibraryEcho");

    private static CompositeUpgradeRegistry Composite()
        => new([new TestRegistry(AppEcho, AppWebSocket), new TestRegistry(LibraryChat, LibraryEcho)]);

    [Theory]
    [InlineData("echo")]
    [InlineData("ECHO")]
    [InlineData("Echo")]
    public void Rfc9110_7_8_MatchComparesNamesCaseInsensitively(string name)
    {
        ReadOnlySpan<UpgradeRegistration> matched = Composite().Match(name);

        Assert.Equal(2, matched.Length);
        Assert.Same(AppEcho, matched[0]);
        Assert.Same(LibraryEcho, matched[1]);
    }

    [Fact]
    public void RegistrationsOfOneNameFromTwoRegistries_FormOneAdjacentRangeInRegistryOrder()
    {
        CompositeUpgradeRegistry composite = Composite();

        Assert.Equal([AppEcho, LibraryEcho, AppWebSocket, LibraryChat], composite.Registrations);
        Assert.Same(AppWebSocket, Assert.Single(composite.Match("WebSocket").ToArray()));
        Assert.Same(LibraryChat, Assert.Single(composite.Match("chat").ToArray()));
    }

    [Theory]
    [InlineData("h2c")]
    [InlineData("ech")]
    [InlineData("echo2")]
    [InlineData("")]
    public void UnknownName_MatchesNothing(string name)
        => Assert.True(Composite().Match(name).IsEmpty);

    [Fact]
    public void ComposedRegistry_DrivesTheNegotiator()
    {
        var negotiator = new UpgradeNegotiator(Composite());

        Assert.Same(LibraryEcho, negotiator.Negotiate(TestRequest.Raw("echo/2")).Registration);
        Assert.Same(AppEcho, negotiator.Negotiate(TestRequest.Raw("Echo/1")).Registration);
        Assert.Equal("echo/1, ECHO/2, websocket, chat", negotiator.AdvertisedProtocols);
    }

    [Fact]
    public void EmptyComposite_MatchesNothing()
    {
        var composite = new CompositeUpgradeRegistry([]);

        Assert.Empty(composite.Registrations);
        Assert.True(composite.Match("echo").IsEmpty);
        Assert.Throws<ArgumentNullException>(() => new CompositeUpgradeRegistry(null!));
    }
}
