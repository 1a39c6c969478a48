using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>The representative handlers compiled once with their generated code, for every execution test.</summary>
public sealed class RepresentativeAssembly : IDisposable
{
    public RepresentativeAssembly()
    {
        Run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(TestSources.Trees()));
        Loaded = Run.Load();
    }

    internal GeneratorRun Run { get; }

    internal LoadedAssembly Loaded { get; }

    public void Dispose() => Loaded.Dispose();
}

/// <summary>Runs the generated registry of the representative handlers against real dependency injection.</summary>
public sealed class ExecutionTests(RepresentativeAssembly assembly) : IClassFixture<RepresentativeAssembly>
{
    private readonly GeneratorRun _run = assembly.Run;
    private readonly LoadedAssembly _loaded = assembly.Loaded;

    [Fact]
    public void RegistrationsAreGroupedByNameAndOrderedOrdinally()
    {
        Assert.Equal(
            new[]
            {
                "chat -> Sample.LegacyChatHandler",
                "echo -> Sample.EchoHandler",
                "telemetry -> Sample.Telemetry.StreamHandler",
                "websocket -> Sample.ChatHandler",
                "WebSocket -> Sample.LegacyChatHandler",
                "x-global -> GlobalHandler",
            },
            _loaded.DescribeRegistrations());
    }

    [Fact]
    public void AttributeListsAreSplitAndTrimmed()
    {
        UpgradeRegistration chat = _loaded.Registry.Match("chat")[0];
        UpgradeRegistration websocket = _loaded.Registry.Match("websocket")[0];

        Assert.Equal(new[] { "1", "2" }, chat.Versions);
        Assert.Equal(new[] { "13" }, websocket.Versions);
        Assert.Equal(new[] { "chat.v2", "chat.v1" }, websocket.SubProtocols);
        Assert.Empty(_loaded.Registry.Match("x-global")[0].Versions);
    }

    [Theory]
    [InlineData("websocket")]
    [InlineData("WebSocket")]
    [InlineData("WEBSOCKET")]
    public void NamesMatchCaseInsensitivelyAsOneRange(string name)
    {
        UpgradeRegistration[] matched = _loaded.Registry.Match(name).ToArray();

        Assert.Equal(new[] { "Sample.ChatHandler", "Sample.LegacyChatHandler" }, matched.Select(r => r.HandlerName));
        Assert.All(matched, r => Assert.Equal(UpgradeProtocolKind.WebSocket, r.Kind));
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("")]
    [InlineData("echo2")]
    [InlineData("ech")]
    [InlineData("websockets")]
    public void UnregisteredNamesMatchNothing(string name)
    {
        Assert.True(_loaded.Registry.Match(name).IsEmpty);
    }

    [Fact]
    public void SameLengthNamesEachMatchTheirOwnRange()
    {
        Assert.Equal("Sample.LegacyChatHandler", Assert.Single(_loaded.Registry.Match("CHAT").ToArray()).HandlerName);
        Assert.Equal("Sample.EchoHandler", Assert.Single(_loaded.Registry.Match("Echo").ToArray()).HandlerName);
    }

    [Fact]
    public void FactoryInjectsServicesAndFallsBackToDefaults()
    {
        Type roomType = _loaded.GetType("Sample.ChatRoom");
        object room = Activator.CreateInstance(roomType)!;
        var services = new ServiceCollection();
        services.AddSingleton(roomType, room);
        using ServiceProvider provider = services.BuildServiceProvider();

        object handler = _loaded.Registry.Match("websocket")[0].CreateHandler(provider);

        Assert.Equal("Sample.ChatHandler", handler.GetType().FullName);
        Assert.Same(room, Property(handler, "Room"));
        Assert.Same(provider, Property(handler, "Services"));
        Assert.Equal("Say \"hi\"\n", Property(handler, "Motd"));
        Assert.Equal("Welcome", Property(handler, "Greeting")!.ToString());
        Assert.Null(Property(handler, "Moderator"));
    }

    [Fact]
    public void FactoryPrefersRegisteredServicesOverDefaults()
    {
        Type roomType = _loaded.GetType("Sample.ChatRoom");
        Type greetingType = _loaded.GetType("Sample.Greeting");
        Type moderatorType = _loaded.GetType("Sample.Moderator");
        object room = Activator.CreateInstance(roomType)!;
        object moderator = Activator.CreateInstance(moderatorType)!;
        var services = new ServiceCollection();
        services.AddSingleton(roomType, room);
        services.AddSingleton(typeof(string), "Welcome back");
        services.AddSingleton(greetingType, Enum.Parse(greetingType, "Hello"));
        services.AddSingleton(typeof(int), 64);
        services.AddSingleton(moderatorType, moderator);
        using ServiceProvider provider = services.BuildServiceProvider();

        object chat = _loaded.Registry.Match("websocket")[0].CreateHandler(provider);
        object legacy = _loaded.Registry.Match("chat")[0].CreateHandler(provider);

        Assert.Equal("Welcome back", Property(chat, "Motd"));
        Assert.Equal("Hello", Property(chat, "Greeting")!.ToString());
        Assert.Same(moderator, Property(chat, "Moderator"));
        Assert.Equal(64, Property(legacy, "Backlog"));
    }

    [Fact]
    public void FactoryNamesTheHandlerAndTheMissingService()
    {
        using ServiceProvider provider = new ServiceCollection().BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => _loaded.Registry.Match("websocket")[0].CreateHandler(provider));

        Assert.Contains("'Sample.ChatHandler'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Sample.ChatRoom'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FactoriesWithoutParametersNeedNoServices()
    {
        using ServiceProvider provider = new ServiceCollection().BuildServiceProvider();

        Assert.Equal("Sample.EchoHandler", _loaded.Registry.Match("echo")[0].CreateHandler(provider).GetType().FullName);
        Assert.Equal("Sample.Telemetry+StreamHandler", _loaded.Registry.Match("telemetry")[0].CreateHandler(provider).GetType().FullName);
        Assert.Equal("GlobalHandler", _loaded.Registry.Match("x-global")[0].CreateHandler(provider).GetType().FullName);
        Assert.Equal(16, Property(_loaded.Registry.Match("chat")[0].CreateHandler(provider), "Backlog"));
    }

    [Fact]
    public void AddUpgradeHandlersIsIdempotent()
    {
        var services = new ServiceCollection();

        Assert.Same(services, _loaded.AddUpgradeHandlers(services));
        _loaded.AddUpgradeHandlers(services);

        ServiceDescriptor descriptor = Assert.Single(services, d => d.ServiceType == typeof(IUpgradeRegistry));
        Assert.Same(_loaded.Registry, descriptor.ImplementationInstance);
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Same(_loaded.Registry, Assert.Single(provider.GetServices<IUpgradeRegistry>()));
    }

    [Fact]
    public void TheInternalAndThePublicAddMethodRegisterTheSameRegistryOnce()
    {
        var services = new ServiceCollection();

        Assert.Same(services, _loaded.AddAssemblyUpgradeHandlers(services));
        _loaded.AddUpgradeHandlers(services);

        Assert.Same(_loaded.Registry, Assert.Single(services, d => d.ServiceType == typeof(IUpgradeRegistry)).ImplementationInstance);
        Assert.True(_loaded.RegistryType.IsPublic);
        Assert.Empty(_loaded.RegistryType.GetConstructors());
    }

    [Fact]
    public void AddUpgradeHandlersKeepsOtherRegistries()
    {
        var services = new ServiceCollection();
        var other = new CompositeUpgradeRegistry(Array.Empty<IUpgradeRegistry>());
        services.AddSingleton<IUpgradeRegistry>(other);

        _loaded.AddUpgradeHandlers(services);

        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Equal(new[] { other, _loaded.Registry }, provider.GetServices<IUpgradeRegistry>());
    }

    [Fact]
    public void AddUpgradeHandlersOfTwoAssembliesRegistersBoth()
    {
        GeneratorRun library = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(
            new[] { GeneratorHarness.Parse(TestSources.GlobalHandler, "GlobalHandler.cs") },
            assemblyName: "Library"));
        using LoadedAssembly loadedLibrary = library.Load();
        var services = new ServiceCollection();

        _loaded.AddUpgradeHandlers(services);
        loadedLibrary.AddUpgradeHandlers(services);

        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Equal(new[] { _loaded.Registry, loadedLibrary.Registry }, provider.GetServices<IUpgradeRegistry>());
        Assert.Contains("'Library'", library.Text("UpgradeHandlerRegistry.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void GeneratedCodeUsesNoReflection()
    {
        foreach (string hintName in _run.HintNames)
        {
            string text = _run.Text(hintName);
            Assert.DoesNotContain("Activator", text, StringComparison.Ordinal);
            // typeof is a metadata token, not reflection: it appears only as a registration's handler type argument.
            foreach (string line in text.Split('\n'))
            {
                if (line.Contains("typeof(", StringComparison.Ordinal))
                {
                    Assert.Matches(@"^\s*typeof\(global::[\w.]+\),\r?$", line);
                }
            }

            Assert.DoesNotContain("GetType(", text, StringComparison.Ordinal);
            Assert.DoesNotContain("MakeGenericType", text, StringComparison.Ordinal);
            Assert.DoesNotContain("System.Reflection", text, StringComparison.Ordinal);
        }
    }

    private static object? Property(object instance, string name) => instance.GetType().GetProperty(name)!.GetValue(instance);
}
