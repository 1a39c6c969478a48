using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// Checks each class marked <c>[UpgradeProtocol]</c> on its own: every token of every registration (UPG001, UPG002,
/// UPG010), names that cannot be upgraded to (UPG006, UPG007, UPG009), and whether generated code can use the class
/// as a handler (UPG004, UPG005).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class UpgradeProtocolAnalyzer : DiagnosticAnalyzer
{
    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.InvalidProtocolName,
        DiagnosticDescriptors.InvalidVersion,
        DiagnosticDescriptors.MissingHandlerInterface,
        DiagnosticDescriptors.HandlerNotConstructible,
        DiagnosticDescriptors.Http2ProtocolName,
        DiagnosticDescriptors.H2cRegistered,
        DiagnosticDescriptors.WebSocketVersion,
        DiagnosticDescriptors.InvalidSubProtocol);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStart(
            static (start, types) => start.RegisterHandlerAction(types, (context, handler) => AnalyzeHandler(context, handler, types)),
            WellKnownType.HttpUpgrade_UpgradeProtocolAttribute);
    }

    private static void AnalyzeHandler(SymbolAnalysisContext context, DeclaredHandler handler, WellKnownTypes types)
    {
        INamedTypeSymbol type = handler.Type;
        string typeName = type.ToDisplayString(s_typeFormat);
        foreach (DeclaredHandler.Entry entry in handler.Registrations)
        {
            DeclaredRegistration registration = entry.Registration;
            var locations = RegistrationLocations.Find(registration, type.Locations[0], context.CancellationToken);
            AnalyzeRegistration(context, registration, locations);
            if (entry.Skip == RegistrationSkip.NeedsUpgradeHandler)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.MissingHandlerInterface,
                    locations.Name,
                    AddInterfaceFix(WellKnownType.HttpUpgrade_IUpgradeHandler),
                    typeName,
                    "implements only IWebSocketHandler, which serves only websocket, not '" + registration.Name + "'",
                    "IUpgradeHandler"));
            }
        }

        AnalyzeContracts(context, handler, typeName, types);
    }

    private static void AnalyzeRegistration(SymbolAnalysisContext context, DeclaredRegistration registration, RegistrationLocations locations)
    {
        string name = registration.Name ?? string.Empty;
        string? impliedHttpVersion = RegistrationRules.Http2OrHttp3FromName(name);
        if (impliedHttpVersion is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.Http2ProtocolName, locations.Name, name, impliedHttpVersion));
        }
        else if (HttpTokenGrammar.DescribeInvalidToken(registration.Name) is { } problem)
        {
            ReportInvalidName(context, registration, locations.Name, name, problem);
        }
        else
        {
            if (RegistrationRules.IsHttp(name))
            {
                foreach (string version in registration.Versions)
                {
                    if (RegistrationRules.Http2OrHttp3FromVersion(version) is { } httpVersion)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(
                            DiagnosticDescriptors.Http2ProtocolName, locations.Versions, name + "/" + version, httpVersion));
                    }
                }
            }

            if (RegistrationRules.IsH2c(name))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.H2cRegistered, locations.Name, name));
            }
        }

        bool isWebSocket = RegistrationRules.IsWebSocket(name);
        ImmutableArray<string> versions = registration.Versions;
        for (int i = 0; i < versions.Length; i++)
        {
            if (RegistrationRules.DescribeInvalidElement(versions, i) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidVersion, locations.Versions, registration.VersionsText, problem));
            }
            else if (isWebSocket && versions[i] != RegistrationRules.WebSocketVersion)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.WebSocketVersion, locations.Versions, versions[i]));
            }
        }

        ImmutableArray<string> subProtocols = registration.SubProtocols;
        for (int i = 0; i < subProtocols.Length; i++)
        {
            if (RegistrationRules.DescribeInvalidElement(subProtocols, i) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidSubProtocol, locations.SubProtocols, registration.SubProtocolsText, problem));
            }
        }
    }

    // Two mistakes have one right answer: whitespace around a token, and "name/version" written as the name.
    private static void ReportInvalidName(SymbolAnalysisContext context, DeclaredRegistration registration, Location location, string name, string problem)
    {
        ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty;
        string trimmed = HttpTokenGrammar.TrimWhitespace(name.AsSpan()).ToString();
        int slash = trimmed.IndexOf('/');
        if (trimmed.Length != name.Length && HttpTokenGrammar.IsToken(trimmed))
        {
            problem += "; remove the whitespace around the name";
            properties = properties
                .Add(DiagnosticProperties.Fix, DiagnosticProperties.TrimFix)
                .Add(DiagnosticProperties.Name, trimmed);
        }
        else if (slash > 0 && slash == trimmed.LastIndexOf('/') &&
            HttpTokenGrammar.IsToken(trimmed.Substring(0, slash)) &&
            HttpTokenGrammar.IsToken(trimmed.Substring(slash + 1)))
        {
            string protocol = trimmed.Substring(0, slash);
            string version = trimmed.Substring(slash + 1);
            problem += "; name the protocol '" + protocol + "' and write the version in Versions = \"" + version + "\"";
            bool listed = registration.Versions.Contains(version, StringComparer.OrdinalIgnoreCase);
            if (registration.Versions.IsEmpty || listed)
            {
                properties = properties
                    .Add(DiagnosticProperties.Fix, DiagnosticProperties.SplitVersionFix)
                    .Add(DiagnosticProperties.Name, protocol)
                    .Add(DiagnosticProperties.Version, version)
                    .Add(DiagnosticProperties.AddVersions, listed ? "false" : "true");
            }
        }

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.InvalidProtocolName, location, properties, name, problem));
    }

    private static void AnalyzeContracts(SymbolAnalysisContext context, DeclaredHandler handler, string typeName, WellKnownTypes types)
    {
        Location location = GetTypeNameLocation(handler, context) ?? handler.Type.Locations[0];

        // Only a compilation that sees both contracts can implement one.
        if (handler.Contracts == HandlerContracts.None &&
            types.Get(WellKnownType.HttpUpgrade_IUpgradeHandler) is not null &&
            types.Get(WellKnownType.HttpUpgrade_IWebSocketHandler) is not null)
        {
            // IWebSocketHandler only serves websocket; IUpgradeHandler serves any protocol, so a mixed class needs it.
            bool allWebSocket = handler.Registrations.Length > 0 && handler.Registrations.All(entry => entry.Registration.IsWebSocket);
            WellKnownType contract = allWebSocket ? WellKnownType.HttpUpgrade_IWebSocketHandler : WellKnownType.HttpUpgrade_IUpgradeHandler;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.MissingHandlerInterface,
                location,
                AddInterfaceFix(contract),
                typeName,
                "implements neither IUpgradeHandler nor IWebSocketHandler",
                allWebSocket ? "IWebSocketHandler" : "IUpgradeHandler"));
        }

        if (handler.ConstructorProblem is { } problem)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerNotConstructible, location, typeName, problem));
        }
    }

    private static ImmutableDictionary<string, string?> AddInterfaceFix(WellKnownType contract) =>
        ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.Fix, DiagnosticProperties.AddInterfaceFix)
            .Add(DiagnosticProperties.Interface, WellKnownTypes.MetadataName(contract));

    // The class name in the declaration that carries the first attribute, which for a partial class is the part the user is editing.
    private static Location? GetTypeNameLocation(DeclaredHandler handler, SymbolAnalysisContext context)
    {
        if (handler.Registrations.IsEmpty)
        {
            return null;
        }

        SyntaxNode? syntax = handler.Registrations[0].Registration.Attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken);
        return syntax?.Parent?.Parent is TypeDeclarationSyntax declaration ? declaration.Identifier.GetLocation() : null;
    }
}
