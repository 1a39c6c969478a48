using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// Handler shapes the registry can construct: each compiles with its generated code without a warning, is registered,
/// and every registration's factory constructs the handler from real dependency injection. A case that needs services
/// declares <c>static class Services { static void Add(IServiceCollection) }</c>, which the test calls.
/// </summary>
public sealed class AcceptedShapeTests
{
    private const string Handle = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    private static readonly Dictionary<string, Shape> s_cases = new()
    {
        ["public sealed class"] = new($$"""
            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }
            """, "accepted -> Sample.Accepted"),
        ["public class that is not sealed"] = new($$"""
            [UpgradeProtocol("accepted")]
            public class Accepted : IUpgradeHandler
            {
                public virtual Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
            """, "accepted -> Sample.Accepted"),
        ["internal class"] = new($$"""
            [UpgradeProtocol("accepted")]
            internal sealed class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }
            """, "accepted -> Sample.Accepted"),
        ["class in the global namespace"] = new($$"""
            [UpgradeProtocol("accepted")]
            internal class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }
            """, "accepted -> Accepted") { Namespace = null },
        ["class nested two levels deep"] = new($$"""
            public static class Outer
            {
                internal sealed class Middle
                {
                    [UpgradeProtocol("accepted")]
                    public sealed class Accepted : IUpgradeHandler
                    {
                        {{Handle}}
                    }
                }
            }
            """, "accepted -> Sample.Outer.Middle.Accepted"),
        ["protected internal class nested in an internal class"] = new($$"""
            internal class Outer
            {
                [UpgradeProtocol("accepted")]
                protected internal sealed class Accepted : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """, "accepted -> Sample.Outer.Accepted"),
        ["several attributes on one class"] = new($$"""
            [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "chat")]
            [UpgradeProtocol("echo", Versions = "2, 1")]
            [UpgradeProtocol("x-trace")]
            public sealed class Accepted : IUpgradeHandler, IWebSocketHandler
            {
                {{Handle}}

                public Task OnConnectedAsync(System.Net.WebSockets.WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }
            """, "echo -> Sample.Accepted", "websocket -> Sample.Accepted", "x-trace -> Sample.Accepted"),
        ["record class"] = new($$"""
            [UpgradeProtocol("accepted")]
            public record class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }
            """, "accepted -> Sample.Accepted"),
        ["sealed record with a primary constructor"] = new($$"""
            public sealed class Room
            {
            }

            [UpgradeProtocol("accepted")]
            public sealed record Accepted(Room Room) : IUpgradeHandler
            {
                {{Handle}}
            }

            public static class Services
            {
                public static void Add(IServiceCollection services) => services.AddSingleton<Room>();
            }
            """, "accepted -> Sample.Accepted"),
        ["one usable constructor next to a private one"] = new($$"""
            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                private Accepted(int backlog)
                {
                    _ = backlog;
                }

                internal Accepted()
                    : this(16)
                {
                }

                {{Handle}}
            }
            """, "accepted -> Sample.Accepted"),
        ["marked constructor among several public ones"] = new($$"""
            public sealed class Room
            {
            }

            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                public Accepted()
                {
                }

                [ActivatorUtilitiesConstructor]
                public Accepted(Room room, IServiceProvider services, int backlog = 8, string? motd = null)
                {
                    Room = room;
                    Services = services;
                    Backlog = backlog;
                    Motd = motd;
                }

                public Accepted(Room room)
                    : this(room, null!)
                {
                }

                public Room? Room { get; }

                public IServiceProvider? Services { get; }

                public int Backlog { get; }

                public string? Motd { get; }

                {{Handle}}
            }

            public static class Services
            {
                public static void Add(IServiceCollection services) => services.AddSingleton<Room>();
            }
            """, "accepted -> Sample.Accepted") { Check = handler => Assert.NotNull(Property(handler, "Services")) },
        ["marked internal constructor next to a public one"] = new($$"""
            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                public Accepted(string motd)
                {
                    Motd = motd;
                }

                [ActivatorUtilitiesConstructor]
                internal Accepted()
                    : this("marked")
                {
                }

                public string Motd { get; }

                {{Handle}}
            }
            """, "accepted -> Sample.Accepted") { Check = handler => Assert.Equal("marked", Property(handler, "Motd")) },
        ["required members set by the constructor"] = new($$"""
            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                [SetsRequiredMembers]
                public Accepted() => Motd = "hi";

                public required string Motd { get; init; }

                {{Handle}}
            }
            """, "accepted -> Sample.Accepted"),
        ["obsolete handler and constructor"] = new($$"""
            [Obsolete("Use the new one.")]
            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                [Obsolete("Use the new one.")]
                public Accepted()
                {
                }

                {{Handle}}
            }
            """, "accepted -> Sample.Accepted"),
        ["in parameter and nullable reference parameter"] = new($$"""
            public sealed class Settings
            {
            }

            [UpgradeProtocol("accepted")]
            public sealed class Accepted(in int backlog, Settings? settings, IReadOnlyList<string?> names, int? limit = 4, double ratio = 0.25, char separator = '\'', decimal price = 1.50m) : IUpgradeHandler
            {
                public int Backlog { get; } = backlog;

                public Settings? Settings { get; } = settings;

                public IReadOnlyList<string?> Names { get; } = names;

                public string Rest { get; } = FormattableString.Invariant($"{limit}{ratio}{separator}{price}");

                {{Handle}}
            }

            public static class Services
            {
                public static void Add(IServiceCollection services)
                {
                    services.AddSingleton(typeof(int), 64);
                    services.AddSingleton<Settings>();
                    services.AddSingleton<IReadOnlyList<string?>>(new[] { "a", null });
                }
            }
            """, "accepted -> Sample.Accepted") { Check = handler => Assert.Equal("40.25'1.50", Property(handler, "Rest")) },
        ["keyword identifiers"] = new($$"""
            public static class @event
            {
                [UpgradeProtocol("accepted")]
                public sealed class @class : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """, "accepted -> Sample.event.class"),
        ["partial class with attributes on both parts"] = new($$"""
            [UpgradeProtocol("accepted", Versions = "2")]
            public sealed partial class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }

            [UpgradeProtocol("accepted", Versions = "1")]
            public sealed partial class Accepted
            {
            }
            """, "accepted -> Sample.Accepted", "accepted -> Sample.Accepted"),
        ["interface inherited from a base class"] = new($$"""
            public abstract class HandlerBase : IWebSocketHandler
            {
                public Task OnConnectedAsync(System.Net.WebSockets.WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "a\t, b ,c")]
            public sealed class Accepted : HandlerBase
            {
            }
            """, "websocket -> Sample.Accepted"),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapeIsRegisteredAndConstructed(string rule)
    {
        Shape shape = s_cases[rule];

        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(shape.ToSource()));

        using LoadedAssembly loaded = run.Load();
        Assert.Equal(shape.Expected, loaded.DescribeRegistrations());

        var services = new ServiceCollection();
        string servicesType = shape.Namespace is null ? "Services" : shape.Namespace + ".Services";
        loaded.Assembly.GetType(servicesType)?.GetMethod("Add")!.Invoke(null, new object[] { services });
        using ServiceProvider provider = services.BuildServiceProvider();
        foreach (UpgradeRegistration registration in loaded.Registry.Registrations)
        {
            object handler = registration.CreateHandler(provider);
            Assert.Equal(registration.HandlerName, handler.GetType().FullName!.Replace('+', '.'));
            shape.Check?.Invoke(handler);
        }
    }

    private static object? Property(object instance, string name)
        => instance.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)!.GetValue(instance);

    private sealed record Shape(string Source, params string[] Expected)
    {
        public string? Namespace { get; init; } = "Sample";

        public Action<object>? Check { get; init; }

        public string ToSource()
        {
            string usings = """
                using System;
                using System.Collections.Generic;
                using System.Diagnostics.CodeAnalysis;
                using System.Threading;
                using System.Threading.Tasks;
                using HttpUpgrade;
                using Microsoft.Extensions.DependencyInjection;

                """;
            return Namespace is null
                ? usings + Source
                : usings + $$"""
                    namespace {{Namespace}}
                    {
                    {{Source}}
                    }
                    """;
        }
    }
}
