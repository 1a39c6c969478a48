using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>The HttpUpgrade and HttpUpgrade.AspNetCore methods analyzers look for, recognised by symbol.</summary>
internal static class UpgradeApi
{
    public const string MapUpgradeName = "MapUpgrade";
    public const string ForHandlerName = "ForHandler";

    /// <summary>Whether <paramref name="method"/> is one of the <c>MapUpgrade</c> overloads, generic or not.</summary>
    public static bool IsMapUpgrade(IMethodSymbol method, WellKnownTypes types) =>
        method.Name == MapUpgradeName &&
        types.Is(method.ContainingType, WellKnownType.Microsoft_AspNetCore_Builder_UpgradeEndpointRouteBuilderExtensions);

    /// <summary>Whether <paramref name="method"/> is <c>UpgradeNegotiatorOptions.ForHandler&lt;THandler&gt;</c>, which configures one handler class.</summary>
    public static bool IsForHandler(IMethodSymbol method, WellKnownTypes types) =>
        method is { Name: ForHandlerName, Arity: 1 } &&
        types.Is(method.ContainingType, WellKnownType.HttpUpgrade_UpgradeNegotiatorOptions);

    /// <summary>
    /// Whether <paramref name="type"/> is a class marked <c>[UpgradeProtocol]</c>; null when that cannot be known: a type
    /// parameter, a type that does not resolve, or an attribute from metadata that does not resolve to the one this
    /// compilation sees (the library was built against another HttpUpgrade).
    /// </summary>
    public static bool? IsHandlerClass(ITypeSymbol type, WellKnownTypes types)
    {
        if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        INamedTypeSymbol? attribute = types.Get(WellKnownType.HttpUpgrade_UpgradeProtocolAttribute);
        bool? marked = false;
        foreach (AttributeData applied in named.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(applied.AttributeClass, attribute))
            {
                return named.TypeKind == TypeKind.Class;
            }

            if (applied.AttributeClass is null or { TypeKind: TypeKind.Error } or { Name: "UpgradeProtocolAttribute" })
            {
                marked = null;
            }
        }

        return marked;
    }

    /// <summary>Where type argument <paramref name="index"/> of a call is written; the call itself when it is not written out.</summary>
    public static Location TypeArgumentLocation(IInvocationOperation invocation, int index)
    {
        GenericNameSyntax? name = invocation.Syntax is InvocationExpressionSyntax call
            ? call.Expression switch
            {
                MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } => generic,
                GenericNameSyntax generic => generic,
                _ => null,
            }
            : null;
        return name is not null && index < name.TypeArgumentList.Arguments.Count
            ? name.TypeArgumentList.Arguments[index].GetLocation()
            : invocation.Syntax.GetLocation();
    }

    /// <summary>The operation under any conversions and parentheses.</summary>
    public static IOperation? Unwrap(IOperation? operation)
    {
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    break;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    break;
                default:
                    return operation;
            }
        }
    }
}
