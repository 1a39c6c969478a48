using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// The HTTP version each message of one method body is given, for UPG008. A message is named by where it lives (a local,
/// parameter, field or property, whose symbol identifies it across statements) or, when a new message is never stored,
/// by its creation. A version counts only when every assignment the body makes gives the same one.
/// </summary>
internal sealed class MessageVersions
{
    private readonly Dictionary<object, int> _versions = new(MessageComparer.Instance);

    /// <summary>Records that <paramref name="message"/> is given the HTTP major version <paramref name="major"/> (0: unknown).</summary>
    public void Set(object? message, int major)
    {
        if (message is not null)
        {
            _versions[message] = _versions.TryGetValue(message, out int existing) && existing != major ? 0 : major;
        }
    }

    /// <summary>The version the body gives <paramref name="message"/>; null when it gives none.</summary>
    public int? Get(object message) => _versions.TryGetValue(message, out int major) ? major : null;

    /// <summary>
    /// What identifies the message <paramref name="instance"/> refers to: the symbol it is read from, or for a new object
    /// the variable it is stored in (<c>var request = new HttpRequestMessage { ... }</c>), else the creation itself.
    /// </summary>
    public static object? Identify(IOperation? instance)
    {
        switch (UpgradeApi.Unwrap(ResolveImplicitReceiver(instance)))
        {
            case ILocalReferenceOperation local:
                return local.Local;
            case IParameterReferenceOperation parameter:
                return parameter.Parameter;
            case IFieldReferenceOperation field:
                return field.Field;
            case IPropertyReferenceOperation property:
                return property.Property;
            case IObjectCreationOperation creation:
                return StoredIn(creation) ?? (object)creation;
            default:
                return null;
        }
    }

    /// <summary>Inside <c>new T { Member = { ... } }</c> the receiver is implicit: it is the member being initialized, or the new object.</summary>
    public static IOperation? ResolveImplicitReceiver(IOperation? operation)
    {
        if (operation is not IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver })
        {
            return operation;
        }

        for (IOperation? current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IObjectOrCollectionInitializerOperation initializer)
            {
                return initializer.Parent switch
                {
                    IMemberInitializerOperation member => ResolveImplicitReceiver(member.InitializedMember),
                    IObjectCreationOperation creation => creation,
                    _ => null,
                };
            }
        }

        return null;
    }

    // var request = new HttpRequestMessage { ... } and request = new HttpRequestMessage { ... } both name the object after the variable.
    private static ISymbol? StoredIn(IOperation creation)
    {
        IOperation current = creation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        return current.Parent switch
        {
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator } => declarator.Symbol,
            ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current) => UpgradeApi.Unwrap(assignment.Target) switch
            {
                ILocalReferenceOperation local => local.Local,
                IFieldReferenceOperation field => field.Field,
                IParameterReferenceOperation parameter => parameter.Parameter,
                IPropertyReferenceOperation property => property.Property,
                _ => null,
            },
            _ => null,
        };
    }

    // Symbols compare as symbols; a creation, which is one node of the body's operation tree, by reference.
    private sealed class MessageComparer : IEqualityComparer<object>
    {
        public static readonly MessageComparer Instance = new();

        public new bool Equals(object? x, object? y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : ReferenceEquals(x, y);

        public int GetHashCode(object obj) =>
            obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : RuntimeHelpers.GetHashCode(obj);
    }
}
