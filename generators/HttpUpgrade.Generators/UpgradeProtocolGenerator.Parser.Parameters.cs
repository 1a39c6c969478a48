using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    // How a generated factory obtains each constructor argument, and the C# that spells a parameter's default.
    internal static partial class Parser
    {
        private static readonly SymbolDisplayFormat s_typeNameFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static ConstructorParameterModel? ParseParameter(IParameterSymbol parameter)
            => ParseParameter(
                parameter.Type,
                parameter.Type.NullableAnnotation,
                parameter.IsOptional,
                parameter.HasExplicitDefaultValue,
                parameter.HasExplicitDefaultValue ? parameter.ExplicitDefaultValue : null);

        // A parameter by its parts: the constructor's symbol, or a constructor's syntax (Parser.Constructor.cs).
        // The annotation is the parameter type's top-level one, which a type bound from syntax does not carry.
        private static ConstructorParameterModel? ParseParameter(
            ITypeSymbol type, NullableAnnotation annotation, bool isOptional, bool hasExplicitDefaultValue, object? explicitDefaultValue)
        {
            // HandlerShapeRules has accepted the parameter; a type that does not resolve cannot be named in generated code.
            if (type.TypeKind == TypeKind.Error)
            {
                return null;
            }

            if (IsServiceProvider(type))
            {
                return new ConstructorParameterModel("global::System.IServiceProvider", ParameterSource.ServiceProvider, null, false);
            }

            // A reference type's top-level '?' only says the constructor accepts null; the service resolved is the same
            // (a name FormatFullyQualifiedName spells has no type arguments, so no other annotation to show).
            string typeName = FormatFullyQualifiedName(type, out _)
                ?? (type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type).ToDisplayString(s_typeNameFormat);

            if (!isOptional)
            {
                return new ConstructorParameterModel(typeName, ParameterSource.Required, null, false);
            }

            string? defaultValue = hasExplicitDefaultValue
                ? FormatDefaultValue(type, explicitDefaultValue)
                : "default";
            if (defaultValue is null)
            {
                return null;
            }

            bool suppressNullWarning = type.IsReferenceType && annotation == NullableAnnotation.NotAnnotated;
            return new ConstructorParameterModel(typeName, ParameterSource.Optional, defaultValue, suppressNullWarning);
        }

        private static bool IsServiceProvider(ITypeSymbol type)
            => type is INamedTypeSymbol { Name: "IServiceProvider", Arity: 0, ContainingType: null, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

        private static bool IsNullableValueType(ITypeSymbol type)
            => type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

        // The C# expression for a parameter's declared default value; null when it is a constant C# cannot spell
        // (say, a [DateTimeConstant]), which HandlerShapeRules already rejects.
        private static string? FormatDefaultValue(ITypeSymbol type, object? value)
        {
            if (value is null)
            {
                return type.IsValueType && !IsNullableValueType(type) ? "default" : "null";
            }

            ITypeSymbol valueType = IsNullableValueType(type) ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
            string? literal = FormatConstant(value);
            if (literal is null || valueType.TypeKind != TypeKind.Enum)
            {
                return literal;
            }

            return "(" + valueType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + ")(" + literal + ")";
        }

        private static string? FormatConstant(object value) => value switch
        {
            string text => SymbolDisplay.FormatLiteral(text, quote: true),
            char character => SymbolDisplay.FormatLiteral(character, quote: true),
            bool flag => flag ? "true" : "false",
            float number => FormatFloat(number),
            double number => FormatDouble(number),
            decimal number => number.ToString(CultureInfo.InvariantCulture) + "M",
            sbyte number => number.ToString(CultureInfo.InvariantCulture),
            byte number => number.ToString(CultureInfo.InvariantCulture),
            short number => number.ToString(CultureInfo.InvariantCulture),
            ushort number => number.ToString(CultureInfo.InvariantCulture),
            int number => number.ToString(CultureInfo.InvariantCulture),
            uint number => number.ToString(CultureInfo.InvariantCulture) + "U",
            long number => number.ToString(CultureInfo.InvariantCulture) + "L",
            ulong number => number.ToString(CultureInfo.InvariantCulture) + "UL",
            _ => null,
        };

        private static string FormatFloat(float number)
        {
            if (float.IsNaN(number))
            {
                return "float.NaN";
            }

            if (float.IsInfinity(number))
            {
                return number > 0 ? "float.PositiveInfinity" : "float.NegativeInfinity";
            }

            return number.ToString("R", CultureInfo.InvariantCulture) + "F";
        }

        private static string FormatDouble(double number)
        {
            if (double.IsNaN(number))
            {
                return "double.NaN";
            }

            if (double.IsInfinity(number))
            {
                return number > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
            }

            return number.ToString("R", CultureInfo.InvariantCulture) + "D";
        }
    }
}
