using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HttpUpgrade.Analyzers;

/// <summary>One <c>[UpgradeProtocol]</c> attribute as written: its values and where each argument is in source.</summary>
internal sealed class RegistrationInfo
{
    public const string VersionsPropertyName = "Versions";
    public const string SubProtocolsPropertyName = "SubProtocols";

    private RegistrationInfo(
        AttributeData attribute,
        AttributeSyntax? syntax,
        string? name,
        string? versionsText,
        string? subProtocolsText,
        Location nameLocation,
        Location versionsLocation,
        Location subProtocolsLocation)
    {
        Attribute = attribute;
        Syntax = syntax;
        Name = name;
        VersionsText = versionsText;
        SubProtocolsText = subProtocolsText;
        Versions = RegistrationRules.SplitList(versionsText);
        SubProtocols = RegistrationRules.SplitList(subProtocolsText);
        NameLocation = nameLocation;
        VersionsLocation = versionsLocation;
        SubProtocolsLocation = subProtocolsLocation;
    }

    public AttributeData Attribute { get; }

    /// <summary>The attribute in source; null when the attribute comes from metadata.</summary>
    public AttributeSyntax? Syntax { get; }

    /// <summary>The protocol name, null when the argument is the <c>null</c> literal.</summary>
    public string? Name { get; }

    public string? VersionsText { get; }

    public string? SubProtocolsText { get; }

    public ImmutableArray<string> Versions { get; }

    public ImmutableArray<string> SubProtocols { get; }

    /// <summary>The name argument's expression, else the attribute.</summary>
    public Location NameLocation { get; }

    /// <summary>The <c>Versions</c> argument's expression, else the attribute.</summary>
    public Location VersionsLocation { get; }

    /// <summary>The <c>SubProtocols</c> argument's expression, else the attribute.</summary>
    public Location SubProtocolsLocation { get; }

    /// <summary>
    /// Whether the generator emits this registration when its class is a usable handler: the name is a token that does
    /// not mean HTTP/2 or HTTP/3, and every version and subprotocol is a token listed once.
    /// </summary>
    public bool IsRegistrable => RegistrationRules.IsRegistrable(Name, Versions, SubProtocols);

    /// <summary>Reads an <c>[UpgradeProtocol]</c> application; null when it does not bind (the compiler reports that).</summary>
    public static RegistrationInfo? Read(AttributeData attribute, Location fallbackLocation, CancellationToken cancellationToken)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            return null;
        }

        string? name = attribute.ConstructorArguments[0].Value as string;
        string? versions = null;
        string? subProtocols = null;
        foreach (var named in attribute.NamedArguments)
        {
            if (named.Key == VersionsPropertyName)
            {
                versions = named.Value.Value as string;
            }
            else if (named.Key == SubProtocolsPropertyName)
            {
                subProtocols = named.Value.Value as string;
            }
        }

        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        Location attributeLocation = syntax?.GetLocation() ?? fallbackLocation;
        Location nameLocation = attributeLocation;
        Location versionsLocation = attributeLocation;
        Location subProtocolsLocation = attributeLocation;
        if (syntax?.ArgumentList is { } arguments)
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals is null)
                {
                    nameLocation = argument.Expression.GetLocation();
                }
                else if (argument.NameEquals.Name.Identifier.ValueText == VersionsPropertyName)
                {
                    versionsLocation = argument.Expression.GetLocation();
                }
                else if (argument.NameEquals.Name.Identifier.ValueText == SubProtocolsPropertyName)
                {
                    subProtocolsLocation = argument.Expression.GetLocation();
                }
            }
        }

        return new RegistrationInfo(attribute, syntax, name, versions, subProtocols, nameLocation, versionsLocation, subProtocolsLocation);
    }
}
