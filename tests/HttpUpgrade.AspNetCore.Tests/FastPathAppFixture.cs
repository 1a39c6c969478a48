using System;
using System.Linq;
using System.Net;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// Real Kestrel with <c>UseUpgradeFastPath()</c> on its one listener, and endpoints that test which requests the fast path
/// may answer:
/// <list type="bullet">
/// <item><c>/ws</c>: a plain <c>MapUpgrade</c>, served by the fast path.</item>
/// <item><c>/tagged</c>: with a name and tags, descriptions the fast path honours (it serves it).</item>
/// <item><c>/secure</c>: <c>RequireAuthorization()</c>, left to Kestrel and the app's middleware (cookie authentication
/// that answers an anonymous request 401).</item>
/// <item><c>/rooms/{id}</c>: a route with a parameter, left to routing.</item>
/// <item><c>/shadowed</c>: also mapped by a <c>MapGet</c>, so routing could choose either: left to routing.</item>
/// <item><c>/plain</c>: an ordinary GET endpoint.</item>
/// </list>
/// Kestrel's <c>RequestHeadersTimeout</c> is <see cref="RequestHeadersTimeout"/>.
/// </summary>
public sealed class FastPathAppFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public RecordingLoggerProvider Logs { get; } = new();

    public static TimeSpan RequestHeadersTimeout { get; } = TimeSpan.FromSeconds(3);

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(new DisposalJournal());
        builder.Services.AddSingleton(new HandlerJournal());
        builder.Services.AddUpgradeHandlers();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
            options.Events.OnRedirectToLogin = context =>
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Task.CompletedTask;
            });
        builder.Services.AddAuthorization();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Short, so a test can outwait it: how long the fast path waits for a head before Kestrel takes over.
            kestrel.Limits.RequestHeadersTimeout = RequestHeadersTimeout;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseUpgradeFastPath());
        });

        WebApplication app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapUpgrade("/ws");
        app.MapUpgrade("/tagged").WithName("tagged").WithTags("sockets");
        app.MapUpgrade("/secure").RequireAuthorization();
        app.MapUpgrade("/rooms/{id}");
        app.MapUpgrade("/shadowed");
        app.MapGet("/shadowed", () => "a GET endpoint on the same path\n");
        app.MapGet("/plain", (HttpContext context) =>
        {
            context.Response.ContentLength = 6;
            return context.Response.WriteAsync("plain\n");
        });
        await app.StartAsync();
        _app = app;
        Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
