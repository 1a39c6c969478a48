using System.Collections.Generic;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>Shapes at the edge of the rules that the registry can construct: each is registered and compiles without a warning.</summary>
public sealed class AcceptedShapeTests
{
    private const string Handle = "public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;";

    private static readonly Dictionary<string, (string Source, string[] Expected)> s_cases = new()
    {
        ["internal class"] = ($$"""
            [UpgradeProtocol("accepted")]
            internal sealed class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }
            """, new[] { "accepted -> Sample.Accepted" }),
        ["protected internal class nested in an internal class"] = ($$"""
            internal class Outer
            {
                [UpgradeProtocol("accepted")]
                protected internal sealed class Accepted : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """, new[] { "accepted -> Sample.Outer.Accepted" }),
        ["one usable constructor next to a private one"] = ($$"""
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
            """, new[] { "accepted -> Sample.Accepted" }),
        ["required members set by the constructor"] = ($$"""
            [UpgradeProtocol("accepted")]
            public sealed class Accepted : IUpgradeHandler
            {
                [SetsRequiredMembers]
                public Accepted() => Motd = "hi";

                public required string Motd { get; init; }

                {{Handle}}
            }
            """, new[] { "accepted -> Sample.Accepted" }),
        ["obsolete handler and constructor"] = ($$"""
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
            """, new[] { "accepted -> Sample.Accepted" }),
        ["in parameter and nullable reference parameter"] = ($$"""
            public sealed class Settings
            {
            }

            [UpgradeProtocol("accepted")]
            public sealed class Accepted(in int backlog, Settings? settings, IReadOnlyList<string?> names, int? limit = 4, double ratio = 0.25, char separator = '\'', decimal price = 1.50m) : IUpgradeHandler
            {
                public int Backlog { get; } = backlog;

                public Settings? Settings { get; } = settings;

                public IReadOnlyList<string?> Names { get; } = names;

                public string Rest { get; } = $"{limit}{ratio}{separator}{price}";

                {{Handle}}
            }
            """, new[] { "accepted -> Sample.Accepted" }),
        ["keyword identifiers"] = ($$"""
            public static class @event
            {
                [UpgradeProtocol("accepted")]
                public sealed class @class : IUpgradeHandler
                {
                    {{Handle}}
                }
            }
            """, new[] { "accepted -> Sample.event.class" }),
        ["partial class with attributes on both parts"] = ($$"""
            [UpgradeProtocol("accepted", Versions = "2")]
            public sealed partial class Accepted : IUpgradeHandler
            {
                {{Handle}}
            }

            [UpgradeProtocol("accepted", Versions = "1")]
            public sealed partial class Accepted
            {
            }
            """, new[] { "accepted -> Sample.Accepted", "accepted -> Sample.Accepted" }),
        ["interface inherited from a base class"] = ($$"""
            public abstract class HandlerBase : IWebSocketHandler
            {
                public Task OnConnectedAsync(System.Net.WebSockets.WebSocket socket, UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
            }

            [UpgradeProtocol("websocket", Versions = "13", SubProtocols = "a\t, b ,c")]
            public sealed class Accepted : HandlerBase
            {
            }
            """, new[] { "websocket -> Sample.Accepted" }),
    };

    public static TheoryData<string> Cases => new(s_cases.Keys);

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapeIsRegistered(string rule)
    {
        (string source, string[] expected) = s_cases[rule];

        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation($$"""
            using System;
            using System.Collections.Generic;
            using System.Diagnostics.CodeAnalysis;
            using System.Threading;
            using System.Threading.Tasks;
            using HttpUpgrade;

            namespace Sample
            {
            {{source}}
            }
            """));

        using LoadedAssembly loaded = run.Load();
        Assert.Equal(expected, loaded.DescribeRegistrations());
    }
}
