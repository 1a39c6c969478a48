using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    // A class's constructor, read from its syntax. Asking its symbol for InstanceConstructors makes the compiler build
    // every member, and for a primary constructor that means binding every method body of the class to find the
    // parameters it captures: most of what a transform cost, on every edit, for every such handler. The syntax says the
    // same for the common shapes; anything else is left to the symbol and HandlerShapeRules.
    internal static partial class Parser
    {
        /// <summary>
        /// Reads the constructor of a class whose only constructor is its primary constructor or the implicit
        /// parameterless one, by the rules of <see cref="HandlerShapeRules.GetConstructor"/>: true with the parameters
        /// when generated code can call it, true with null when it cannot (or cannot name a parameter), false when the
        /// shape is not one this reads — declared constructors, records, attributes that could mark a constructor,
        /// parameter modifiers or attributes, a default value other than a literal of the parameter's own type, nested
        /// nullable annotations — and the constructor's symbol must decide.
        /// </summary>
        internal static bool TryReadConstructorFromSyntax(
            INamedTypeSymbol type, SemanticModel semanticModel, CancellationToken cancellationToken, out ConstructorParameterModel[]? parameters)
        {
            parameters = null;
            ClassDeclarationSyntax? primary = null;
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                // A record has a copy constructor besides; a record's shape is left to its symbol.
                if (reference.GetSyntax(cancellationToken) is not ClassDeclarationSyntax declaration)
                {
                    return false;
                }

                if (declaration.ParameterList is not null)
                {
                    if (primary is not null)
                    {
                        return false;
                    }

                    primary = declaration;
                }

                // [method: ActivatorUtilitiesConstructor] or [method: SetsRequiredMembers] would apply to the primary constructor.
                foreach (AttributeListSyntax list in declaration.AttributeLists)
                {
                    if (list.Target is not null)
                    {
                        return false;
                    }
                }

                if (DeclaresConstructorOrRequiredMember(declaration))
                {
                    return false;
                }
            }

            // A type problem is found from the symbol without its members (GetConstructor stops there), as are the base
            // types' required members when they come from metadata.
            if ((primary is not null && primary.SyntaxTree != semanticModel.SyntaxTree) ||
                HandlerShapeRules.DescribeTypeProblem(type) is not null ||
                BaseTypesMayHaveRequiredMembers(type, cancellationToken))
            {
                return false;
            }

            // The class is neither abstract nor static, so its only constructor is public and the one generated code
            // calls: without a primary constructor, the implicit parameterless one.
            if (primary is null)
            {
                parameters = [];
                return true;
            }

            // What remains is HandlerShapeRules' check of each parameter.
            SeparatedSyntaxList<ParameterSyntax> syntax = primary.ParameterList!.Parameters;
            var read = new ConstructorParameterModel[syntax.Count];
            for (int i = 0; i < syntax.Count; i++)
            {
                ParameterSyntax parameter = syntax[i];
                if (parameter.AttributeLists.Count > 0 ||
                    parameter.Modifiers.Count > 0 ||
                    parameter.Type is not { } typeSyntax ||
                    HasNestedNullableAnnotation(typeSyntax) ||
                    !semanticModel.GetNullableContext(typeSyntax.SpanStart).AnnotationsEnabled() ||
                    semanticModel.GetTypeInfo(typeSyntax, cancellationToken).Type is not { TypeKind: not TypeKind.Error } parameterType)
                {
                    return false;
                }

                // Nullable annotations are enabled here: a type written without '?' is not annotated.
                NullableAnnotation annotation = typeSyntax is NullableTypeSyntax ? NullableAnnotation.Annotated : NullableAnnotation.NotAnnotated;
                object? defaultValue = null;
                bool isOptional = parameter.Default is not null;
                if (isOptional && !TryReadDefaultValue(parameter.Default!.Value, parameterType, out defaultValue))
                {
                    return false;
                }

                // A parameter HandlerShapeRules rejects, or one generated code cannot name, leaves the class out whatever
                // the other parameters are.
                if (HandlerShapeRules.DescribeParameterProblem(RefKind.None, parameterType, isOptional, isOptional, defaultValue) is not null ||
                    ParseParameter(parameterType, annotation, isOptional, isOptional, defaultValue) is not { } model)
                {
                    return true;
                }

                read[i] = model;
            }

            parameters = read;
            return true;
        }

        private static bool DeclaresConstructorOrRequiredMember(TypeDeclarationSyntax declaration)
        {
            foreach (MemberDeclarationSyntax member in declaration.Members)
            {
                if (member is ConstructorDeclarationSyntax || IsRequiredMember(member))
                {
                    return true;
                }
            }

            return false;
        }

        // The syntax of HandlerShapeRules.IsRequiredMember: a property or field with the 'required' modifier.
        private static bool IsRequiredMember(MemberDeclarationSyntax member)
        {
            if (member is not (BasePropertyDeclarationSyntax or BaseFieldDeclarationSyntax))
            {
                return false;
            }

            foreach (SyntaxToken modifier in member.Modifiers)
            {
                if (modifier.IsKind(SyntaxKind.RequiredKeyword))
                {
                    return true;
                }
            }

            return false;
        }

        // HandlerShapeRules asks every base type for required members. A base type in source is asked its syntax, for
        // the same reason as the class itself; one from metadata is asked its symbol, whose members are read once.
        private static bool BaseTypesMayHaveRequiredMembers(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (INamedTypeSymbol? current = type.BaseType; current is not null; current = current.BaseType)
            {
                if (current.DeclaringSyntaxReferences.IsEmpty)
                {
                    foreach (ISymbol member in current.GetMembers())
                    {
                        if (HandlerShapeRules.IsRequiredMember(member))
                        {
                            return true;
                        }
                    }

                    continue;
                }

                foreach (SyntaxReference reference in current.DeclaringSyntaxReferences)
                {
                    if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration)
                    {
                        return true;
                    }

                    foreach (MemberDeclarationSyntax member in declaration.Members)
                    {
                        if (IsRequiredMember(member))
                        {
                            return true;
                        }
                    }
                }
            }

            return false;
        }

        // A type bound from syntax carries the annotations of its type arguments only as far as the binder keeps them;
        // the parameter's symbol is the authority on those.
        private static bool HasNestedNullableAnnotation(TypeSyntax type)
        {
            foreach (SyntaxNode node in type.DescendantNodes())
            {
                if (node is NullableTypeSyntax)
                {
                    return true;
                }
            }

            return false;
        }

        // The constant a default value stands for, when it is a null literal of a type that admits null, or a literal
        // whose value already has the parameter's type (no conversion to apply): ExplicitDefaultValue for these.
        private static bool TryReadDefaultValue(ExpressionSyntax value, ITypeSymbol type, out object? constant)
        {
            constant = null;
            bool isNullableValueType = type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;
            if (value.IsKind(SyntaxKind.NullLiteralExpression))
            {
                return type.IsReferenceType || isNullableValueType;
            }

            if (value is not LiteralExpressionSyntax literal ||
                !(literal.IsKind(SyntaxKind.NumericLiteralExpression) || literal.IsKind(SyntaxKind.StringLiteralExpression) ||
                  literal.IsKind(SyntaxKind.CharacterLiteralExpression) || literal.IsKind(SyntaxKind.TrueLiteralExpression) ||
                  literal.IsKind(SyntaxKind.FalseLiteralExpression)) ||
                literal.Token.Value is not { } tokenValue)
            {
                return false;
            }

            ITypeSymbol valueType = isNullableValueType ? ((INamedTypeSymbol)type).TypeArguments[0] : type;
            SpecialType literalType = tokenValue switch
            {
                string => SpecialType.System_String,
                char => SpecialType.System_Char,
                bool => SpecialType.System_Boolean,
                int => SpecialType.System_Int32,
                uint => SpecialType.System_UInt32,
                long => SpecialType.System_Int64,
                ulong => SpecialType.System_UInt64,
                float => SpecialType.System_Single,
                double => SpecialType.System_Double,
                decimal => SpecialType.System_Decimal,
                _ => SpecialType.None,
            };
            if (literalType == SpecialType.None || valueType.SpecialType != literalType)
            {
                return false;
            }

            constant = tokenValue;
            return true;
        }
    }
}
