using System.Globalization;
using Microsoft.CodeAnalysis;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// Whether generated code can construct a handler class: the registry sits in the same assembly and calls one
/// constructor with <c>new</c> (the one marked <c>[ActivatorUtilitiesConstructor]</c>, else the only public or internal
/// one), resolving each parameter from the request's services.
/// </summary>
internal static class HandlerRules
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <summary>What stops generated code from constructing <paramref name="type"/> and how to fix it; null when nothing does.</summary>
    public static string? DescribeConstructionProblem(INamedTypeSymbol type)
    {
        if (type.IsStatic)
        {
            return "it is static; make it an instance class";
        }

        if (type.IsAbstract)
        {
            return "it is abstract; register a concrete class";
        }

        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            string subject = ReferenceEquals(current, type)
                ? "it is"
                : "it is nested in '" + current.ToDisplayString(s_typeFormat) + "', which is";

            if (current.Arity > 0)
            {
                return ReferenceEquals(current, type)
                    ? "it is generic; register a non-generic class, for example one that derives from a closed type"
                    : subject + " generic; move the handler out of the generic type";
            }

            if (current.IsFileLocal)
            {
                return subject + " file-local; remove the 'file' modifier";
            }

            string? hidden = current.DeclaredAccessibility switch
            {
                Accessibility.Private => "private",
                Accessibility.Protected => "protected",
                Accessibility.ProtectedAndInternal => "private protected",
                _ => null,
            };
            if (hidden is not null)
            {
                return subject + " " + hidden + "; make it internal or public";
            }
        }

        // The registry calls the constructor marked [ActivatorUtilitiesConstructor], else the only one visible assembly-wide.
        IMethodSymbol? marked = null;
        IMethodSymbol? visible = null;
        int markedCount = 0;
        int visibleCount = 0;
        foreach (IMethodSymbol candidate in type.InstanceConstructors)
        {
            if (IsMarkedConstructor(candidate))
            {
                marked = candidate;
                markedCount++;
            }

            if (IsVisibleInAssembly(candidate.DeclaredAccessibility))
            {
                visible = candidate;
                visibleCount++;
            }
        }

        if (markedCount > 1)
        {
            return "it has " + markedCount.ToString(CultureInfo.InvariantCulture) +
                " constructors marked [ActivatorUtilitiesConstructor]; mark only the one generated code should call";
        }

        if (markedCount == 0 && visibleCount == 0)
        {
            return "it has no public or internal constructor; add one";
        }

        if (markedCount == 0 && visibleCount > 1)
        {
            return "it has " + visibleCount.ToString(CultureInfo.InvariantCulture) +
                " public or internal constructors and generated code calls exactly one; mark one [ActivatorUtilitiesConstructor] or make the others private or protected";
        }

        IMethodSymbol constructor = marked ?? visible!;
        if (!IsVisibleInAssembly(constructor.DeclaredAccessibility))
        {
            return "its [ActivatorUtilitiesConstructor] constructor is not public or internal; make it public or internal";
        }

        if (constructor.IsVararg)
        {
            return "its constructor takes __arglist; remove it";
        }

        if (HasRequiredMembers(type) && !SetsRequiredMembers(constructor))
        {
            return "it has required members that its constructor does not set; set them in the constructor and mark it [SetsRequiredMembers]";
        }

        foreach (IParameterSymbol parameter in constructor.Parameters)
        {
            string? problem = DescribeParameterProblem(parameter);
            if (problem is not null)
            {
                return "constructor parameter '" + parameter.Name + "' " + problem;
            }
        }

        return null;
    }

    private static bool IsVisibleInAssembly(Accessibility accessibility) =>
        accessibility is Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal;

    private static bool IsMarkedConstructor(IMethodSymbol constructor)
    {
        foreach (AttributeData attribute in constructor.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "ActivatorUtilitiesConstructorAttribute", Arity: 0, ContainingType: null, ContainingNamespace: { } ns } &&
                ns.ToDisplayString() == "Microsoft.Extensions.DependencyInjection")
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasRequiredMembers(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers())
            {
                if (member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true })
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool SetsRequiredMembers(IMethodSymbol constructor)
    {
        foreach (AttributeData attribute in constructor.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "SetsRequiredMembersAttribute", ContainingNamespace: { } ns } &&
                ns.ToDisplayString() == "System.Diagnostics.CodeAnalysis")
            {
                return true;
            }
        }

        return false;
    }

    // Each argument is a service resolved from the request's IServiceProvider, or the parameter's default when it is optional.
    private static string? DescribeParameterProblem(IParameterSymbol parameter)
    {
        ITypeSymbol type = parameter.Type;
        if (type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        if (parameter.RefKind is not (RefKind.None or RefKind.In))
        {
            return "is passed by reference; take the service by value";
        }

        if (type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer)
        {
            return "is a pointer, which cannot be a service; take a managed type";
        }

        if (type.IsRefLikeType)
        {
            return "is a ref struct, which cannot be a service; take a class or an ordinary struct";
        }

        bool isNullableValueType = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        if (!parameter.IsOptional)
        {
            return isNullableValueType
                ? "is a nullable value type without a default, which cannot be a required service; give it a default value"
                : null;
        }

        if (parameter.HasExplicitDefaultValue && parameter.ExplicitDefaultValue is { } value && !IsWritableConstant(value))
        {
            return "has a default value that C# cannot write as a literal; remove the default or use a literal one";
        }

        return null;
    }

    private static bool IsWritableConstant(object value) => value is
        string or char or bool or float or double or decimal or
        sbyte or byte or short or ushort or int or uint or long or ulong;
}
