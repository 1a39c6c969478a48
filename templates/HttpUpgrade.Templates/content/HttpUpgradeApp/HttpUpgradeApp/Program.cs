using HttpUpgrade;
using HttpUpgradeApp;

CreateApp(args).Run();

/// <summary>The app's entry point.</summary>
public partial class Program
{
    /// <summary>
    /// Puts the app together. The tests call this too, with a loopback address and port 0, so they run this very app
    /// on real sockets.
    /// </summary>
    public static WebApplication CreateApp(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddSingleton<ChatRoom>();
        builder.Services.AddUpgradeHandlers();   // generated: registers every [UpgradeProtocol] class of this project
        var app = builder.Build();

        app.MapGet("/", () => """
            HttpUpgradeApp. /chat is upgrade-only; plain requests there get 426 Upgrade Required.
              WebSocket chat: connect to ws://<host>/chat with subprotocol chat.v1; every text message is sent
                              to everyone in the room, sender included.
              Raw echo:       send 'Connection: Upgrade' and 'Upgrade: echo/1' to /chat; after the 101,
                              every byte you send comes back.

            """);

        // One URL, both handlers: the client's Upgrade header picks (RFC 9110 §7.8).
        app.MapUpgrade("/chat");
        return app;
    }
}
