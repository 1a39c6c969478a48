using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HttpUpgrade.Analyzers;

/// <summary>Where each argument of an <c>[UpgradeProtocol]</c> is written, so a diagnostic points at the value it is about.</summary>
internal readonly struct RegistrationLocations
{
    private RegistrationLocations(Location name, Location versions, Location subProtocols)
    {
        Name = name;
        Versions = versions;
        SubProtocols = subProtocols;
    }

    /// <summary>The name argument's expression, else the attribute.</summary>
    public Location Name { get; }

    /// <summary>The <c>Versions</c> argument's expression, else the attribute.</summary>
    public Location Versions { get; }

    /// <summary>The <c>SubProtocols</c> argument's expression, else the attribute.</summary>
    public Location SubProtocols { get; }

    /// <summary>The locations in <paramref name="registration"/>'s attribute; <paramref name="fallback"/> when it is not in source.</summary>
    public static RegistrationLocations Find(DeclaredRegistration registration, Location fallback, CancellationToken cancellationToken)
    {
        var syntax = registration.Attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        Location attribute = syntax?.GetLocation() ?? fallback;
        Location name = attribute;
        Location versions = attribute;
        Location subProtocols = attribute;
        if (syntax?.ArgumentList is { } arguments)
        {
            foreach (AttributeArgumentSyntax argument in arguments.Arguments)
            {
                if (argument.NameEquals is null)
                {
                    name = argument.Expression.GetLocation();
                }
                else if (argument.NameEquals.Name.Identifier.ValueText == DeclaredRegistration.VersionsPropertyName)
                {
                    versions = argument.Expression.GetLocation();
                }
                else if (argument.NameEquals.Name.Identifier.ValueText == DeclaredRegistration.SubProtocolsPropertyName)
                {
                    subProtocols = argument.Expression.GetLocation();
                }
            }
        }

        return new RegistrationLocations(name, versions, subProtocols);
    }
}
