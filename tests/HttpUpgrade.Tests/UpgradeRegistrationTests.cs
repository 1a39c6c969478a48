using System;
using Xunit;

namespace HttpUpgrade.Tests;

public sealed class UpgradeRegistrationTests
{
    [Theory]
    [InlineData("web socket", "'web socket' is not a valid protocol name: ' ' (space) at position 3 is not allowed.")]
    [InlineData("echo/1", "'echo/1' is not a valid protocol name: '/' at position 4 is not allowed.")]
    [InlineData("", "'' is not a valid protocol name: a token must not be empty.")]
    [InlineData("w\u00E9b", "'w\u00E9b' is not a valid protocol name: '\u00E9' (U+00E9, not ASCII) at position 1 is not allowed.")]
    public void Rfc9110_7_8_ProtocolNameMustBeAToken(string name, string message)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Registrations.Create(name));

        Assert.Equal("name", exception.ParamName);
        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1 beta", "'1 beta' is not a valid version: ' ' (space) at position 1 is not allowed.")]
    [InlineData("1/2", "'1/2' is not a valid version: '/' at position 1 is not allowed.")]
    [InlineData("", "'' is not a valid version: a token must not be empty.")]
    public void Rfc9110_7_8_ProtocolVersionMustBeAToken(string version, string message)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(
            () => new UpgradeHandlerRegistration("echo", ["1", version], [], typeof(TestHandlers.EchoHandler), static _ => new TestHandlers.EchoHandler()));

        Assert.Equal("versions", exception.ParamName);
        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("chat v1", "'chat v1' is not a valid subprotocol: ' ' (space) at position 4 is not allowed.")]
    [InlineData("\"chat\"", "'\"chat\"' is not a valid subprotocol: '\"' at position 0 is not allowed.")]
    [InlineData("", "'' is not a valid subprotocol: a token must not be empty.")]
    public void Rfc6455_11_3_4_SubProtocolMustBeAToken(string subProtocol, string message)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(
            () => new WebSocketHandlerRegistration("websocket", ["13"], ["chat", subProtocol], typeof(TestHandlers.ChatHandler), static _ => new TestHandlers.ChatHandler()));

        Assert.Equal("subProtocols", exception.ParamName);
        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("versions", "1, 2, 1", "", "The version '1' is listed twice.")]
    [InlineData("versions", "a, B, b", "", "The version 'b' is listed twice.")]
    [InlineData("subProtocols", "13", "chat, superchat, chat", "The subprotocol 'chat' is listed twice.")]
    [InlineData("subProtocols", "13", "chat, CHAT", "The subprotocol 'CHAT' is listed twice.")]
    public void RepeatedVersionOrSubProtocol_IsRejectedNamingIt(string parameter, string versions, string subProtocols, string message)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(() => Registrations.Create("websocket", versions, subProtocols));

        Assert.Equal(parameter, exception.ParamName);
        Assert.StartsWith(message, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullArguments_Throw()
    {
        static IUpgradeHandler Factory(IServiceProvider services) => new TestHandlers.EchoHandler();
        Type type = typeof(TestHandlers.EchoHandler);
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => new UpgradeHandlerRegistration(null!, [], [], type, Factory)).ParamName);
        Assert.Equal("versions", Assert.Throws<ArgumentNullException>(() => new UpgradeHandlerRegistration("echo", null!, [], type, Factory)).ParamName);
        Assert.Equal("subProtocols", Assert.Throws<ArgumentNullException>(() => new UpgradeHandlerRegistration("echo", [], null!, type, Factory)).ParamName);
        Assert.Equal("handlerType", Assert.Throws<ArgumentNullException>(() => new UpgradeHandlerRegistration("echo", [], [], null!, Factory)).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new UpgradeHandlerRegistration("echo", [], [], type, null!)).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => new WebSocketHandlerRegistration("websocket", [], [], type, null!)).ParamName);
        Assert.Equal("versions", Assert.Throws<ArgumentException>(() => new UpgradeHandlerRegistration("echo", [null!], [], type, Factory)).ParamName);
    }

    [Fact]
    public void HandlerType_MustImplementTheRegistrationsContract()
    {
        ArgumentException notAHandler = Assert.Throws<ArgumentException>(
            () => new UpgradeHandlerRegistration("echo", [], [], typeof(string), static _ => new TestHandlers.EchoHandler()));
        Assert.Equal("handlerType", notAHandler.ParamName);
        Assert.Contains("IUpgradeHandler", notAHandler.Message, StringComparison.Ordinal);

        Assert.Equal("handlerType", Assert.Throws<ArgumentException>(
            () => new WebSocketHandlerRegistration("websocket", [], [], typeof(IWebSocketHandler), static _ => new TestHandlers.ChatHandler())).ParamName);
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("h2c")]
    [InlineData("websockets")]
    public void Rfc6455_WebSocketHandler_ServesOnlyTheWebSocketProtocol(string name)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(
            () => new WebSocketHandlerRegistration(name, [], [], typeof(TestHandlers.ChatHandler), static _ => new TestHandlers.ChatHandler()));

        Assert.Equal("name", exception.ParamName);
    }

    [Theory]
    [InlineData("websocket", "13", UpgradeProtocolKind.WebSocket, "websocket")]
    [InlineData("WebSocket", "13, 8", UpgradeProtocolKind.WebSocket, "WebSocket")]
    [InlineData("websocket", "", UpgradeProtocolKind.WebSocket, "websocket")]
    [InlineData("echo", "1, 2", UpgradeProtocolKind.Raw, "echo/1, echo/2")]
    [InlineData("echo", "", UpgradeProtocolKind.Raw, "echo")]
    [InlineData("h2c", "", UpgradeProtocolKind.Raw, "h2c")]
    public void KindAndAdvertisedForm_FollowTheName(string name, string versions, UpgradeProtocolKind kind, string advertised)
    {
        UpgradeRegistration registration = Registrations.Create(name, versions);

        Assert.Equal(kind, registration.Kind);
        Assert.Equal(advertised, registration.Advertised);
        Assert.Equal(name, registration.Name);
    }

    [Fact]
    public void Registration_KeepsItsOwnCopyOfTheLists()
    {
        string[] versions = ["1", "2"];
        string[] subProtocols = ["chat"];
        Func<IServiceProvider, IUpgradeHandler> factory = static _ => new TestHandlers.EchoHandler();
        var registration = new UpgradeHandlerRegistration("echo", versions, subProtocols, typeof(TestHandlers.EchoHandler), factory);

        versions[0] = "9";
        subProtocols[0] = "other";

        Assert.Equal(["1", "2"], registration.Versions);
        Assert.Equal(["chat"], registration.SubProtocols);
        Assert.Equal("echo/1", registration.GetUpgradeValue(0));
        Assert.Equal("echo/2", registration.GetUpgradeValue(1));
        Assert.Equal(typeof(TestHandlers.EchoHandler), registration.HandlerType);
        Assert.Equal("HttpUpgrade.Tests.TestHandlers.EchoHandler", registration.HandlerName);
        Assert.Same(factory, registration.Factory);
    }
}
