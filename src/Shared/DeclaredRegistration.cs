// The one reader of [UpgradeProtocol]. Linked into the generator and the analyzers (never the runtime: it reads Roslyn
// symbols), so both see the same name, lists and order of every attribute.
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace HttpUpgrade;

/// <summary>One <c>[UpgradeProtocol]</c> attribute as declared: its values, split and trimmed as the runtime reads them.</summary>
internal sealed class DeclaredRegistration
{
    public const string VersionsPropertyName = "Versions";
    public const string SubProtocolsPropertyName = "SubProtocols";

    private DeclaredRegistration(AttributeData attribute, string? name, string? versionsText, string? subProtocolsText)
    {
        Attribute = attribute;
        Name = name;
        VersionsText = versionsText;
        SubProtocolsText = subProtocolsText;
        Versions = RegistrationRules.SplitList(versionsText);
        SubProtocols = RegistrationRules.SplitList(subProtocolsText);
        IsRegistrable = RegistrationRules.IsRegistrable(name, Versions, SubProtocols);
    }

    public AttributeData Attribute { get; }

    /// <summary>The protocol name; null when the argument is the <c>null</c> literal.</summary>
    public string? Name { get; }

    /// <summary><c>Versions</c> as written; null when unset.</summary>
    public string? VersionsText { get; }

    /// <summary><c>SubProtocols</c> as written; null when unset.</summary>
    public string? SubProtocolsText { get; }

    public ImmutableArray<string> Versions { get; }

    public ImmutableArray<string> SubProtocols { get; }

    /// <summary>
    /// Whether the attribute is valid on its own (<see cref="RegistrationRules.IsRegistrable"/>): its name is a token that
    /// does not mean HTTP/2 or HTTP/3, and every version and subprotocol is a token listed once.
    /// </summary>
    public bool IsRegistrable { get; }

    /// <summary>Whether this is a <c>websocket</c> registration.</summary>
    public bool IsWebSocket => Name is not null && RegistrationRules.IsWebSocket(Name);

    /// <summary>
    /// Reads an <c>[UpgradeProtocol]</c> application; null when it does not bind (a wrong argument count or type), which
    /// the compiler reports.
    /// </summary>
    public static DeclaredRegistration? Read(AttributeData attribute)
    {
        if (attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Kind == TypedConstantKind.Error)
        {
            return null;
        }

        string? versions = null;
        string? subProtocols = null;
        foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
        {
            if (named.Value.Kind == TypedConstantKind.Error)
            {
                return null;
            }

            switch (named.Key)
            {
                case VersionsPropertyName:
                    versions = named.Value.Value as string;
                    break;
                case SubProtocolsPropertyName:
                    subProtocols = named.Value.Value as string;
                    break;
            }
        }

        return new DeclaredRegistration(attribute, attribute.ConstructorArguments[0].Value as string, versions, subProtocols);
    }

    /// <summary>
    /// Orders attributes as they are written: by file path (ordinal), then by position in the file. Source order, not the
    /// order a symbol lists them in, decides which of two repeated claims is the later one, so that it never depends on
    /// the order the compiler was given the files. Attributes from metadata keep the order they come in.
    /// </summary>
    public static int CompareSourceOrder(DeclaredRegistration x, DeclaredRegistration y)
    {
        SyntaxReference? a = x.Attribute.ApplicationSyntaxReference;
        SyntaxReference? b = y.Attribute.ApplicationSyntaxReference;
        if (a is null || b is null)
        {
            return 0;
        }

        int order = string.CompareOrdinal(a.SyntaxTree.FilePath, b.SyntaxTree.FilePath);
        return order != 0 ? order : a.Span.Start.CompareTo(b.Span.Start);
    }
}
