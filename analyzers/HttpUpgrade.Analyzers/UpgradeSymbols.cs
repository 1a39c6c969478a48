using Microsoft.CodeAnalysis;

namespace HttpUpgrade.Analyzers;

/// <summary>The HttpUpgrade types the registration analyzers need, resolved once per compilation.</summary>
internal sealed class UpgradeSymbols
{
    public const string AttributeMetadataName = "HttpUpgrade.UpgradeProtocolAttribute";
    public const string UpgradeHandlerMetadataName = "HttpUpgrade.IUpgradeHandler";
    public const string WebSocketHandlerMetadataName = "HttpUpgrade.IWebSocketHandler";

    private UpgradeSymbols(INamedTypeSymbol attribute, INamedTypeSymbol? upgradeHandler, INamedTypeSymbol? webSocketHandler)
    {
        Attribute = attribute;
        UpgradeHandler = upgradeHandler;
        WebSocketHandler = webSocketHandler;
    }

    public INamedTypeSymbol Attribute { get; }

    public INamedTypeSymbol? UpgradeHandler { get; }

    public INamedTypeSymbol? WebSocketHandler { get; }

    /// <summary>The symbols, or null when the compilation cannot see <c>[UpgradeProtocol]</c> and so has nothing to check.</summary>
    public static UpgradeSymbols? Create(Compilation compilation)
    {
        INamedTypeSymbol? attribute = compilation.GetBestTypeByMetadataName(AttributeMetadataName);
        if (attribute is null)
        {
            return null;
        }

        return new UpgradeSymbols(
            attribute,
            compilation.GetBestTypeByMetadataName(UpgradeHandlerMetadataName),
            compilation.GetBestTypeByMetadataName(WebSocketHandlerMetadataName));
    }

    public bool IsUpgradeProtocolAttribute(AttributeData attribute) =>
        SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Attribute);

    /// <summary>
    /// Whether <paramref name="type"/> is missing the handler interface (UPG004). Only decided when both interfaces resolve;
    /// a compilation that cannot see them has nothing to implement.
    /// </summary>
    public bool LacksHandlerInterface(INamedTypeSymbol type) =>
        UpgradeHandler is not null && WebSocketHandler is not null && !ImplementsHandlerInterface(type);

    /// <summary>Whether <paramref name="type"/> implements one of the handler interfaces.</summary>
    public bool ImplementsHandlerInterface(INamedTypeSymbol type)
    {
        foreach (INamedTypeSymbol implemented in type.AllInterfaces)
        {
            if (SymbolEqualityComparer.Default.Equals(implemented, UpgradeHandler) ||
                SymbolEqualityComparer.Default.Equals(implemented, WebSocketHandler))
            {
                return true;
            }
        }

        return false;
    }
}
