using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// Real Kestrel on 127.0.0.1 and an ephemeral port, serving this assembly's generated registry. <c>/ws</c> has the
/// default options; <c>/one-offer</c> reads a single <c>Upgrade</c> element.
/// </summary>
public sealed class KestrelFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public RecordingLoggerProvider Logs { get; } = new();

    public DisposalJournal Disposals { get; } = new();

    public int Port { get; private set; }

    public Uri WebSocketUri(string path) => new($"ws://127.0.0.1:{Port}{path}");

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddSingleton(Disposals);
        builder.Services.AddUpgradeHandlers();

        WebApplication app = builder.Build();
        app.MapUpgrade("/ws");
        app.MapUpgrade("/one-offer", options => options.MaxOffers = 1);
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        _app = app;

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Port = new Uri(address).Port;
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
