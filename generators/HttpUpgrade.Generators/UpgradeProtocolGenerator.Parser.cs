using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    /// <summary>
    /// Reads each declaration of a marked class into a <see cref="HandlerModel"/> with the registrations generated code
    /// emits. What to emit is decided by <see cref="DeclaredHandler"/>, which the analyzers read too: anything the registry
    /// could not construct, the runtime would reject or the analyzers report as an error yields nothing; they say why.
    /// </summary>
    internal static partial class Parser
    {
        public const string UpgradeProtocolAttributeName = "HttpUpgrade.UpgradeProtocolAttribute";

        private static readonly SymbolDisplayFormat s_displayNameFormat = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces);

        /// <summary>Reads the assembly's name and whether dependency injection and the ASP.NET Core adapter are referenced.</summary>
        public static AssemblyModel ParseAssembly(Compilation compilation)
        {
            string assemblyName = compilation.AssemblyName ?? string.Empty;
            WellKnownTypes types = WellKnownTypes.GetOrCreate(compilation);
            return new AssemblyModel(
                assemblyName,
                ToIdentifier(assemblyName),
                HasDependencyInjection: types.Get(WellKnownType.Microsoft_Extensions_DependencyInjection_IServiceCollection) is not null,
                HasServerServices: types.Get(WellKnownType.Microsoft_Extensions_DependencyInjection_HttpUpgradeServiceCollectionExtensions) is not null);
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

        public static HandlerModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol { TypeKind: TypeKind.Class } type)
            {
                return null;
            }

            // The contracts are resolved from the attribute's own compilation; the model keeps none of them.
            WellKnownTypes types = WellKnownTypes.GetOrCreate(context.SemanticModel.Compilation);
            DeclaredHandler? handler;
            if (TryReadConstructorFromSyntax(type, context.SemanticModel, cancellationToken, out ConstructorParameterModel[]? parameters))
            {
                if (parameters is null ||
                    (handler = DeclaredHandler.ReadConstructible(type, types, constructible: true, cancellationToken)) is not { IsUsable: true })
                {
                    return null;
                }
            }
            else
            {
                if ((handler = DeclaredHandler.Read(type, types, cancellationToken)) is not { IsUsable: true })
                {
                    return null;
                }

                if ((parameters = ParseParameters(handler.Constructor!)) is null)
                {
                    return null;
                }
            }

            // The handler holds the attributes of every part of a partial class, and the transform runs once per part:
            // each part contributes only the registrations written on it, so none is registered twice.
            var registrations = new List<RegistrationModel>(handler.Registrations.Length);
            foreach (DeclaredHandler.Entry entry in handler.Registrations)
            {
                if (entry.IsEmitted && IsWrittenOn(entry.Registration.Attribute, context.TargetNode))
                {
                    DeclaredRegistration registration = entry.Registration;
                    registrations.Add(new RegistrationModel(registration.Name!, ToEquatableArray(registration.Versions), ToEquatableArray(registration.SubProtocols)));
                }
            }

            if (registrations.Count == 0)
            {
                return null;
            }

            string typeName = FormatFullyQualifiedName(type, out string? displayName) ?? type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return new HandlerModel(
                typeName,
                displayName ?? type.ToDisplayString(s_displayNameFormat),
                new EquatableArray<ConstructorParameterModel>(parameters),
                new EquatableArray<RegistrationModel>(registrations.ToArray()),
                (handler.Contracts & HandlerContracts.WebSocketHandler) != 0,
                (handler.Contracts & HandlerContracts.UpgradeHandler) != 0);
        }

        /// <summary>How generated code obtains each argument of <paramref name="constructor"/>; null when it cannot name one.</summary>
        internal static ConstructorParameterModel[]? ParseParameters(IMethodSymbol constructor)
        {
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

            return parameters;
        }

        private static bool IsWrittenOn(AttributeData attribute, SyntaxNode declaration)
            => attribute.ApplicationSyntaxReference is { } application
                && application.SyntaxTree == declaration.SyntaxTree
                && declaration.Span.Contains(application.Span);

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
