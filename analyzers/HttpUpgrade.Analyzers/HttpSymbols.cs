using Microsoft.CodeAnalysis;

namespace HttpUpgrade.Analyzers;

/// <summary>The System.Net.Http and Kestrel types UPG008 looks for, resolved once per compilation.</summary>
internal sealed class HttpSymbols
{
    private HttpSymbols(Compilation compilation)
    {
        HttpVersion = compilation.GetBestTypeByMetadataName("System.Net.HttpVersion");
        Version = compilation.GetBestTypeByMetadataName("System.Version");
        HttpRequestMessage = compilation.GetBestTypeByMetadataName("System.Net.Http.HttpRequestMessage");
        HttpResponseMessage = compilation.GetBestTypeByMetadataName("System.Net.Http.HttpResponseMessage");
        HttpClient = compilation.GetBestTypeByMetadataName("System.Net.Http.HttpClient");
        HttpHeaders = compilation.GetBestTypeByMetadataName("System.Net.Http.Headers.HttpHeaders");
        ListenOptions = compilation.GetBestTypeByMetadataName("Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions");
        KestrelServerOptions = compilation.GetBestTypeByMetadataName("Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions");
    }

    public INamedTypeSymbol? HttpVersion { get; }

    public INamedTypeSymbol? Version { get; }

    public INamedTypeSymbol? HttpRequestMessage { get; }

    public INamedTypeSymbol? HttpResponseMessage { get; }

    public INamedTypeSymbol? HttpClient { get; }

    public INamedTypeSymbol? HttpHeaders { get; }

    public INamedTypeSymbol? ListenOptions { get; }

    public INamedTypeSymbol? KestrelServerOptions { get; }

    /// <summary>The symbols, or null when the compilation can neither build HTTP messages nor configure Kestrel.</summary>
    public static HttpSymbols? Create(Compilation compilation)
    {
        var symbols = new HttpSymbols(compilation);
        return symbols.HttpHeaders is null && symbols.KestrelServerOptions is null ? null : symbols;
    }

    /// <summary><c>HttpRequestMessage.Version</c>, <c>HttpResponseMessage.Version</c> or <c>HttpClient.DefaultRequestVersion</c>.</summary>
    public bool IsVersionProperty(IPropertySymbol property) => property.Name switch
    {
        "Version" => SymbolEqualityComparer.Default.Equals(property.ContainingType, HttpRequestMessage) ||
            SymbolEqualityComparer.Default.Equals(property.ContainingType, HttpResponseMessage),
        "DefaultRequestVersion" => SymbolEqualityComparer.Default.Equals(property.ContainingType, HttpClient),
        _ => false,
    };

    /// <summary>Whether <paramref name="type"/> is <c>HttpHeaders</c> or derives from it (request, response, content headers).</summary>
    public bool IsHeaderCollection(INamedTypeSymbol? type)
    {
        if (HttpHeaders is null)
        {
            return false;
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            if (SymbolEqualityComparer.Default.Equals(current, HttpHeaders))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsListenOptionsProtocols(IPropertySymbol property) =>
        property.Name == "Protocols" && ListenOptions is not null &&
        SymbolEqualityComparer.Default.Equals(property.ContainingType, ListenOptions);

    public bool IsKestrelServerOptions(INamedTypeSymbol? type) =>
        KestrelServerOptions is not null && SymbolEqualityComparer.Default.Equals(type, KestrelServerOptions);
}
