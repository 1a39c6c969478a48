using Microsoft.AspNetCore.Builder;

namespace HttpUpgradeApp.Tests;

/// <summary>
/// The app, built by the same <see cref="Program.CreateApp"/> as <c>dotnet run</c>, listening on 127.0.0.1 with a port
/// the OS picks, so the tests connect to it the way any client would.
/// </summary>
public sealed class AppFixture : IAsyncLifetime
{
    private WebApplication? _app;

    /// <summary>The address the app listens on, such as <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _app = Program.CreateApp(["--urls", "http://127.0.0.1:0"]);
        await _app.StartAsync();

        // Kestrel replaces port 0 with the port it bound once it has started.
        Address = new Uri(_app.Urls.Single());
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
