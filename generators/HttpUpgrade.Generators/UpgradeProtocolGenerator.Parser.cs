using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HttpUpgrade.Generators;

public sealed partial class UpgradeProtocolGenerator
{
    /// <summary>
    /// Reads each declaration of a marked class into a <see cref="HandlerDeclarationModel"/>, then, over all of them, drops
    /// the registrations that repeat an earlier claim. Anything the registry could not construct, the runtime would reject
    /// or the analyzers report as an error yields nothing; the analyzers say why.
    /// </summary>
    internal static class Parser
    {
        public const string UpgradeProtocolAttributeName = "HttpUpgrade.UpgradeProtocolAttribute";
        public const string ServiceCollectionMetadataName = "Microsoft.Extensions.DependencyInjection.IServiceCollection";

        private const string VersionsProperty = "Versions";
        private const string SubProtocolsProperty = "SubProtocols";

        private static readonly SymbolDisplayFormat s_typeNameFormat =
            SymbolDisplayFormat.FullyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

        private static readonly SymbolDisplayFormat s_displayNameFormat = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

        /// <summary>Reads the assembly's name and whether dependency injection is referenced.</summary>
        public static AssemblyModel ParseAssembly(Compilation compilation)
        {
            string assemblyName = compilation.AssemblyName ?? string.Empty;
            return new AssemblyModel(
                assemblyName,
                ToIdentifier(assemblyName),
                HasDependencyInjection: compilation.GetBestTypeByMetadataName(ServiceCollectionMetadataName) is not null);
        }

        /// <summary>
        /// <c>Contoso.Chat</c> → <c>ContosoChat</c>, <c>my-lib_v2</c> → <c>MyLibV2</c>: characters a C# identifier cannot hold
        /// (and '_') separate words, and each word starts upper-case. A name that would start with a digit gets a '_'.
        /// </summary>
        internal static string ToIdentifier(string assemblyName)
        {
            var identifier = new StringBuilder(assemblyName.Length);
            bool wordStart = true;
            foreach (char c in assemblyName)
            {
                if (c == '_' || !SyntaxFacts.IsIdentifierPartCharacter(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
                {
                    wordStart = true;
                    continue;
                }

                identifier.Append(wordStart ? char.ToUpperInvariant(c) : c);
                wordStart = false;
            }

            if (identifier.Length == 0)
            {
                return "Assembly";
            }

            return SyntaxFacts.IsIdentifierStartCharacter(identifier[0]) ? identifier.ToString() : "_" + identifier;
        }

        public static HandlerDeclarationModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            // The constructibility rule is the analyzers' UPG005, from the same source file.
            if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type)
            {
                return null;
            }

            (bool webSocketHandler, bool upgradeHandler) = GetHandlerContracts(type);
            if (!(webSocketHandler || upgradeHandler) || HandlerShapeRules.GetConstructor(type, out _) is not { } constructor)
            {
                return null;
            }

            var parameters = new ConstructorParameterModel[constructor.Parameters.Length];
            for (int i = 0; i < parameters.Length; i++)
            {
                ConstructorParameterModel? parameter = ParseParameter(constructor.Parameters[i]);
                if (parameter is null)
                {
                    return null;
                }

                parameters[i] = parameter;
            }

            // Attributes holds the matches of every part of a partial class, and the transform runs once per part:
            // each part contributes only the attributes written on it, so none is registered twice.
            var registrations = new List<RegistrationModel>(context.Attributes.Length);
            foreach (AttributeData attribute in context.Attributes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsWrittenOn(attribute, context.TargetNode))
                {
                    continue;
                }

                // An IWebSocketHandler is handed a WebSocket, which only the websocket handshake produces: any other
                // protocol needs IUpgradeHandler (UPG004).
                RegistrationModel? registration = ParseRegistration(attribute);
                if (registration is not null && (upgradeHandler || RegistrationRules.IsWebSocket(registration.Name)))
                {
                    registrations.Add(registration);
                }
            }

            if (registrations.Count == 0)
            {
                return null;
            }

            var handler = new HandlerModel(
                type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                type.ToDisplayString(s_displayNameFormat),
                new EquatableArray<ConstructorParameterModel>(parameters),
                new EquatableArray<RegistrationModel>(registrations.ToArray()),
                webSocketHandler,
                upgradeHandler);
            return new HandlerDeclarationModel(context.TargetNode.SyntaxTree.FilePath, handler);
        }

        /// <summary>
        /// Drops every registration that repeats a claim of an earlier one (UPG003), exactly those the analyzer reports:
        /// the rule is <see cref="RegistrationRules.FindDuplicates{TOwner}"/>, over the same registrations in the same
        /// order. That order is source order: files by path (ordinal), and within a file the declarations as they arrive,
        /// which <c>ForAttributeWithMetadataName</c> yields in document order, each with its attributes in the order
        /// written. Handlers keep the order they came in; one left without registrations is dropped.
        /// </summary>
        public static EquatableArray<HandlerModel> SkipDuplicates(ImmutableArray<HandlerDeclarationModel> declarations)
        {
            // A stable sort by path: declarations of one file keep their document order.
            int[] sourceOrder = new int[declarations.Length];
            for (int i = 0; i < sourceOrder.Length; i++)
            {
                sourceOrder[i] = i;
            }

            Array.Sort(sourceOrder, (x, y) =>
            {
                int order = string.CompareOrdinal(declarations[x].FilePath, declarations[y].FilePath);
                return order != 0 ? order : x.CompareTo(y);
            });

            var claimants = new List<Claimant<string>>();
            foreach (int index in sourceOrder)
            {
                HandlerModel handler = declarations[index].Handler;
                foreach (RegistrationModel registration in handler.Registrations)
                {
                    claimants.Add(new Claimant<string>(handler.TypeName, registration.Name, registration.Versions, registration.SubProtocols));
                }
            }

            DuplicateClaim?[] duplicates = RegistrationRules.FindDuplicates(claimants, StringComparer.Ordinal);

            var kept = new HandlerModel?[declarations.Length];
            int first = 0;
            foreach (int index in sourceOrder)
            {
                HandlerModel handler = declarations[index].Handler;
                int count = handler.Registrations.Count;
                kept[index] = Array.FindIndex(duplicates, first, count, static duplicate => duplicate is not null) < 0
                    ? handler
                    : WithoutDuplicates(handler, duplicates, first);
                first += count;
            }

            var handlers = new List<HandlerModel>(declarations.Length);
            foreach (HandlerModel? handler in kept)
            {
                if (handler is not null)
                {
                    handlers.Add(handler);
                }
            }

            return new EquatableArray<HandlerModel>(handlers.ToArray());
        }

        // The handler without its registrations that are duplicates (duplicates[first + i] for registration i); null when none is left.
        private static HandlerModel? WithoutDuplicates(HandlerModel handler, DuplicateClaim?[] duplicates, int first)
        {
            var registrations = new List<RegistrationModel>(handler.Registrations.Count);
            for (int i = 0; i < handler.Registrations.Count; i++)
            {
                if (duplicates[first + i] is null)
                {
                    registrations.Add(handler.Registrations[i]);
                }
            }

            return registrations.Count == 0
                ? null
                : handler with { Registrations = new EquatableArray<RegistrationModel>(registrations.ToArray()) };
        }

        private static bool IsWrittenOn(AttributeData attribute, SyntaxNode declaration)
            => attribute.ApplicationSyntaxReference is { } application
                && application.SyntaxTree == declaration.SyntaxTree
                && declaration.Span.Contains(application.Span);

        private static (bool WebSocketHandler, bool UpgradeHandler) GetHandlerContracts(INamedTypeSymbol type)
        {
            bool webSocketHandler = false;
            bool upgradeHandler = false;
            foreach (INamedTypeSymbol contract in type.AllInterfaces)
            {
                if (contract is { Arity: 0, ContainingType: null } && IsHttpUpgradeNamespace(contract.ContainingNamespace))
                {
                    webSocketHandler |= contract.Name == "IWebSocketHandler";
                    upgradeHandler |= contract.Name == "IUpgradeHandler";
                }
            }

            return (webSocketHandler, upgradeHandler);
        }

        private static bool IsHttpUpgradeNamespace(INamespaceSymbol? ns)
            => ns is { Name: "HttpUpgrade", ContainingNamespace.IsGlobalNamespace: true };

        private static ConstructorParameterModel? ParseParameter(IParameterSymbol parameter)
        {
            // HandlerShapeRules has accepted the parameter; a type that does not resolve cannot be named in generated code.
            ITypeSymbol type = parameter.Type;
            if (type.TypeKind == TypeKind.Error)
            {
                return null;
            }

            if (IsServiceProvider(type))
            {
                return new ConstructorParameterModel("global::System.IServiceProvider", ParameterSource.ServiceProvider, null, false);
            }

            // A reference type's top-level '?' only says the constructor accepts null; the service resolved is the same.
            string typeName = (type.IsReferenceType ? type.WithNullableAnnotation(NullableAnnotation.NotAnnotated) : type)
                .ToDisplayString(s_typeNameFormat);

            if (!parameter.IsOptional)
            {
                return new ConstructorParameterModel(typeName, ParameterSource.Required, null, false);
            }

            string? defaultValue = parameter.HasExplicitDefaultValue
                ? FormatDefaultValue(type, parameter.ExplicitDefaultValue)
                : "default";
            if (defaultValue is null)
            {
                return null;
            }

            bool suppressNullWarning = type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.NotAnnotated;
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

        private static RegistrationModel? ParseRegistration(AttributeData attribute)
        {
            if (attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Value is not string name)
            {
                return null;
            }

            string? versions = null;
            string? subProtocols = null;
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Value.Kind == TypedConstantKind.Error)
                {
                    return null;
                }

                switch (argument.Key)
                {
                    case VersionsProperty:
                        versions = argument.Value.Value as string;
                        break;
                    case SubProtocolsProperty:
                        subProtocols = argument.Value.Value as string;
                        break;
                }
            }

            // The attribute's lists are comma-separated; each element, trimmed of spaces and tabs, must be a distinct token,
            // which is what UpgradeRegistration checks at run time. These are the analyzers' rules (UPG001, UPG002, UPG006,
            // UPG010), from the same source file.
            ImmutableArray<string> parsedVersions = RegistrationRules.SplitList(versions);
            ImmutableArray<string> parsedSubProtocols = RegistrationRules.SplitList(subProtocols);
            if (!RegistrationRules.IsRegistrable(name, parsedVersions, parsedSubProtocols))
            {
                return null;
            }

            return new RegistrationModel(name, ToEquatableArray(parsedVersions), ToEquatableArray(parsedSubProtocols));
        }

        private static EquatableArray<string> ToEquatableArray(ImmutableArray<string> items)
        {
            if (items.IsEmpty)
            {
                return EquatableArray<string>.Empty;
            }

            string[] array = new string[items.Length];
            items.CopyTo(array);
            return new EquatableArray<string>(array);
        }
    }
}
