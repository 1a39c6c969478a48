using System;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace HttpUpgrade.AspNetCore.Tests;

/// <summary>
/// A Kestrel app with one cleartext listener that serves TLS and h2c upgrades (<see cref="Port"/>) and one that does not
/// (<see cref="PlainPort"/>):
/// <list type="bullet">
/// <item><c>/who</c>: what the server sees of the request and its connection, one <c>key=value</c> per line.</item>
/// <item><c>/account</c>: <c>RequireTlsUpgrade()</c>.</item>
/// <item><c>/ws</c>: <c>MapUpgrade</c>, so WebSocket keeps working beside the connection upgrades.</item>
/// </list>
/// </summary>
public sealed class ConnectionUpgradeFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public int Port { get; private set; }

    public int PlainPort { get; private set; }

    public RecordingLoggerProvider Logs { get; } = new();

    public X509Certificate2 Certificate { get; } = CreateCertificate();

    public async Task InitializeAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(Logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(new DisposalJournal());
        builder.Services.AddSingleton(new HandlerJournal());
        builder.Services.AddUpgradeHandlers();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.UseTlsUpgrade(Certificate);
                listen.UseH2cUpgrade();
            });
            kestrel.Listen(IPAddress.Loopback, 0);
        });

        WebApplication app = builder.Build();
        app.MapMethods("/who", ["GET", "POST", "OPTIONS"], Describe);
        app.MapGet("/account", () => "account\n").RequireTlsUpgrade();
        app.MapUpgrade("/ws");
        await app.StartAsync();
        _app = app;

        // The re-entry endpoints are listed too, without an address; the two public listeners come in configuration order.
        Uri[] addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Select(address => new Uri(address)).Where(uri => uri.IsLoopback).ToArray();
        Assert.Equal(2, addresses.Length);
        Port = addresses[0].Port;
        PlainPort = addresses[1].Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Certificate.Dispose();
    }

    private static Task Describe(HttpContext context)
    {
        byte[] body = System.Text.Encoding.UTF8.GetBytes(DescribeText(context));
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private static string DescribeText(HttpContext context)
    {
        ConnectionInfo connection = context.Connection;
        ITlsHandshakeFeature? tls = context.Features.Get<ITlsHandshakeFeature>();
        return $"""
            protocol={context.Request.Protocol}
            https={context.Request.IsHttps}
            tls={tls?.Protocol.ToString() ?? "none"}
            remote={connection.RemoteIpAddress}:{connection.RemotePort}
            connection={connection.Id}
            upgrade={context.Request.Headers.Upgrade}
            target={context.Features.Get<IHttpRequestFeature>()?.RawTarget}

            """;
    }

    internal static X509Certificate2 CreateCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using X509Certificate2 certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }
}
