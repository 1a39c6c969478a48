// The one definition of which handler classes generated code can construct. This file is linked into the generator and
// the analyzers: a class the analyzers pass (no UPG005) is one whose constructor the generator calls, and one they report
// is one the generator skips.
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace HttpUpgrade;

/// <summary>
/// Whether generated code can construct a handler class: the registry sits in the same assembly and calls one
/// constructor with <c>new</c> (the one marked <c>[ActivatorUtilitiesConstructor]</c>, else the only public or internal
/// one), resolving each parameter from the request's services.
/// </summary>
internal static class HandlerShapeRules
{
    // The attribute ASP.NET Core's ActivatorUtilities honours to pick a constructor. It is recognised by its full name,
    // not resolved as a symbol: the check needs no lookup in the compilation and no particular version of the package.
    private const string ConstructorAttributeName = "ActivatorUtilitiesConstructorAttribute";
    private const string ConstructorAttributeNamespace = "Microsoft.Extensions.DependencyInjection";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <summary>
    /// The constructor generated code calls to build <paramref name="type"/>; null when there is none, with
    /// <paramref name="problem"/> saying what stops it and how to fix it.
    /// </summary>
    /// <remarks>
    /// A parameter whose type does not resolve is no problem here: the compiler already reports it.
    /// </remarks>
    public static IMethodSymbol? GetConstructor(INamedTypeSymbol type, out string? problem)
    {
        problem = DescribeTypeProblem(type);
        if (problem is not null)
        {
            return null;
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
            problem = "it has " + markedCount.ToString(CultureInfo.InvariantCulture) +
                " constructors marked [ActivatorUtilitiesConstructor]; mark only the one generated code should call";
            return null;
        }

        if (markedCount == 0 && visibleCount == 0)
        {
            problem = "it has no public or internal constructor; add one";
            return null;
        }

        if (markedCount == 0 && visibleCount > 1)
        {
            problem = "it has " + visibleCount.ToString(CultureInfo.InvariantCulture) +
                " public or internal constructors and generated code calls exactly one; mark one [ActivatorUtilitiesConstructor] or make the others private or protected";
            return null;
        }

        IMethodSymbol constructor = marked ?? visible!;
        problem = DescribeConstructorProblem(type, constructor);
        return problem is null ? constructor : null;
    }

    // The registry names one closed type from the same assembly, so the class and every type containing it must be
    // visible assembly-wide, non-generic and not file-local.
    internal static string? DescribeTypeProblem(INamedTypeSymbol type)
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

        return null;
    }

    private static string? DescribeConstructorProblem(INamedTypeSymbol type, IMethodSymbol constructor)
    {
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
            if (attribute.AttributeClass is { Name: ConstructorAttributeName, Arity: 0, ContainingType: null, ContainingNamespace: { } ns } &&
                ns.ToDisplayString() == ConstructorAttributeNamespace)
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
                if (IsRequiredMember(member))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="member"/> is a <c>required</c> property or field.</summary>
    internal static bool IsRequiredMember(ISymbol member) => member is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true };

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
        => DescribeParameterProblem(parameter.RefKind, parameter.Type, parameter.IsOptional, parameter.HasExplicitDefaultValue, parameter.HasExplicitDefaultValue ? parameter.ExplicitDefaultValue : null);

    /// <summary>
    /// What stops generated code passing a parameter of this shape, as <see cref="GetConstructor"/> words it; null when
    /// nothing does. For a reader that knows a parameter without its symbol (the generator, from a primary constructor's syntax).
    /// </summary>
    internal static string? DescribeParameterProblem(RefKind refKind, ITypeSymbol type, bool isOptional, bool hasExplicitDefaultValue, object? explicitDefaultValue)
    {
        if (type.TypeKind == TypeKind.Error)
        {
            return null;
        }

        if (refKind is not (RefKind.None or RefKind.In))
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

        // GetRequired<T> constrains T to notnull, which a Nullable<T> parameter cannot satisfy without a default.
        bool isNullableValueType = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
        if (!isOptional)
        {
            return isNullableValueType
                ? "is a nullable value type without a default, which cannot be a required service; give it a default value"
                : null;
        }

        if (hasExplicitDefaultValue && explicitDefaultValue is { } value && !IsWritableConstant(value))
        {
            return "has a default value that C# cannot write as a literal; remove the default or use a literal one";
        }

        return null;
    }

    // The constants generated code writes as literals; any other (say, a [DateTimeConstant]) makes the constructor unusable.
    private static bool IsWritableConstant(object value) => value is
        string or char or bool or float or double or decimal or
        sbyte or byte or short or ushort or int or uint or long or ulong;
}
