// Linked into the generator and the analyzers: every type either of them looks for is named here once, and resolved at
// most once per compilation.
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace HttpUpgrade;

/// <summary>The types the generator and the analyzers look for, by metadata name. <see cref="WellKnownTypes"/> resolves them.</summary>
internal enum WellKnownType
{
    HttpUpgrade_UpgradeProtocolAttribute,
    HttpUpgrade_IUpgradeHandler,
    HttpUpgrade_IWebSocketHandler,
    HttpUpgrade_UpgradeNegotiatorOptions,
    Microsoft_AspNetCore_Builder_UpgradeEndpointRouteBuilderExtensions,
    Microsoft_AspNetCore_Server_Kestrel_Core_KestrelServerOptions,
    Microsoft_AspNetCore_Server_Kestrel_Core_ListenOptions,
    Microsoft_AspNetCore_Hosting_ConnectionUpgradeListenOptionsExtensions,
    Microsoft_AspNetCore_Hosting_ListenOptionsHttpsExtensions,
    Microsoft_Extensions_DependencyInjection_IServiceCollection,
    Microsoft_Extensions_DependencyInjection_HttpUpgradeServiceCollectionExtensions,
    System_Action_T,
    System_Net_Http_Headers_HttpHeaders,
    System_Net_Http_HttpClient,
    System_Net_Http_HttpRequestMessage,
    System_Net_Http_HttpResponseMessage,
    System_Net_HttpVersion,
    System_Version,
}

/// <summary>
/// The <see cref="WellKnownType"/>s as one compilation sees them (<see cref="CompilationExtensions.GetBestTypeByMetadataName"/>),
/// each resolved on first use and then kept. An analyzer creates one in its compilation-start action and shares it
/// across the concurrent callbacks of that compilation; the generator's transforms, which run once per handler class
/// with no shared state of their own, share one per compilation through <see cref="GetOrCreate"/>.
/// </summary>
internal sealed class WellKnownTypes
{
    // Indexed by WellKnownType.
    private static readonly string[] s_metadataNames =
    {
        "HttpUpgrade.UpgradeProtocolAttribute",
        "HttpUpgrade.IUpgradeHandler",
        "HttpUpgrade.IWebSocketHandler",
        "HttpUpgrade.UpgradeNegotiatorOptions",
        "Microsoft.AspNetCore.Builder.UpgradeEndpointRouteBuilderExtensions",
        "Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions",
        "Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions",
        "Microsoft.AspNetCore.Hosting.ConnectionUpgradeListenOptionsExtensions",
        "Microsoft.AspNetCore.Hosting.ListenOptionsHttpsExtensions",
        "Microsoft.Extensions.DependencyInjection.IServiceCollection",
        "Microsoft.Extensions.DependencyInjection.HttpUpgradeServiceCollectionExtensions",
        "System.Action`1",
        "System.Net.Http.Headers.HttpHeaders",
        "System.Net.Http.HttpClient",
        "System.Net.Http.HttpRequestMessage",
        "System.Net.Http.HttpResponseMessage",
        "System.Net.HttpVersion",
        "System.Version",
    };

    // Stands for "looked up, not there", so a missing type is looked up once too.
    private static readonly object s_missing = new();

    private readonly Compilation _compilation;
    private readonly object?[] _resolved = new object?[s_metadataNames.Length];

    private WellKnownTypes(Compilation compilation) => _compilation = compilation;

    // Keyed weakly by compilation, so a compilation the compiler or the IDE has dropped takes its lookups with it.
    private static readonly ConditionalWeakTable<Compilation, WellKnownTypes> s_byCompilation = new();
    private static readonly ConditionalWeakTable<Compilation, WellKnownTypes>.CreateValueCallback s_create = static compilation => new(compilation);

    public static WellKnownTypes Create(Compilation compilation) => new(compilation);

    /// <summary>
    /// The instance for <paramref name="compilation"/>, shared by every caller that passes the same compilation: each
    /// type is then looked up across the references once per compilation rather than once per handler class.
    /// </summary>
    public static WellKnownTypes GetOrCreate(Compilation compilation) => s_byCompilation.GetValue(compilation, s_create);

    /// <summary>The metadata name <paramref name="type"/> stands for.</summary>
    public static string MetadataName(WellKnownType type) => s_metadataNames[(int)type];

    /// <summary>The type, or null when the compilation cannot see it (or sees more than one).</summary>
    public INamedTypeSymbol? Get(WellKnownType type)
    {
        ref object? slot = ref _resolved[(int)type];
        object? resolved = Volatile.Read(ref slot);
        if (resolved is null)
        {
            // Two threads may both look it up; they find the same symbol, and the first one stored is kept.
            resolved = _compilation.GetBestTypeByMetadataName(s_metadataNames[(int)type]) ?? s_missing;
            resolved = Interlocked.CompareExchange(ref slot, resolved, null) ?? resolved;
        }

        return resolved as INamedTypeSymbol;
    }

    /// <summary>Whether <paramref name="symbol"/> is <paramref name="type"/> (false when the compilation cannot see it).</summary>
    public bool Is(ITypeSymbol? symbol, WellKnownType type) =>
        symbol is not null && Get(type) is { } known && SymbolEqualityComparer.Default.Equals(symbol, known);

    /// <summary>Whether <paramref name="symbol"/> is <paramref name="type"/> or derives from it.</summary>
    public bool IsOrDerivesFrom(ITypeSymbol? symbol, WellKnownType type)
    {
        if (Get(type) is not { } known)
        {
            return false;
        }

        for (ITypeSymbol? current = symbol; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="symbol"/> implements the interface <paramref name="type"/>, itself or through a base type.</summary>
    public bool Implements(ITypeSymbol symbol, WellKnownType type)
    {
        if (Get(type) is not { } known)
        {
            return false;
        }

        if (symbol.TypeKind != TypeKind.Class)
        {
            return Contains(symbol.AllInterfaces, known);
        }

        // A class's AllInterfaces is what it and its base classes declare, with what those interfaces inherit. Walking
        // that directly stops at the first match and spares building the merged, de-duplicated set for every class.
        for (ITypeSymbol? current = symbol; current is not null; current = current.BaseType)
        {
            foreach (INamedTypeSymbol declared in current.Interfaces)
            {
                if (SymbolEqualityComparer.Default.Equals(declared, known) || Contains(declared.AllInterfaces, known))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Contains(ImmutableArray<INamedTypeSymbol> interfaces, INamedTypeSymbol known)
    {
        foreach (INamedTypeSymbol implemented in interfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, known))
            {
                return true;
            }
        }

        return false;
    }
}
