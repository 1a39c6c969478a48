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
public sealed class UpgradeProtocolAnalyzer : DiagnosticAnalyzer
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
        context.RegisterCompilationStartAction(static start =>
        {
            UpgradeSymbols? symbols = UpgradeSymbols.Create(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            start.RegisterSymbolAction(context => AnalyzeType(context, symbols), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, UpgradeSymbols symbols)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        if (type.TypeKind != TypeKind.Class)
        {
            return;
        }

        AttributeData? firstAttribute = null;
        List<RegistrationInfo>? registrations = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!symbols.IsUpgradeProtocolAttribute(attribute))
            {
                continue;
            }

            firstAttribute ??= attribute;
            RegistrationInfo? registration = RegistrationInfo.Read(attribute, type.Locations[0], context.CancellationToken);
            if (registration is not null)
            {
                (registrations ??= new List<RegistrationInfo>()).Add(registration);
                AnalyzeRegistration(context, registration);
            }
        }

        if (firstAttribute is not null)
        {
            AnalyzeHandler(context, type, firstAttribute, registrations, symbols);
        }
    }

    private static void AnalyzeRegistration(SymbolAnalysisContext context, RegistrationInfo registration)
    {
        string name = registration.Name ?? string.Empty;
        string? impliedHttpVersion = RegistrationRules.Http2OrHttp3FromName(name);
        if (impliedHttpVersion is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.Http2ProtocolName, registration.NameLocation, name, impliedHttpVersion));
        }
        else if (HttpTokenGrammar.DescribeInvalidToken(registration.Name) is { } problem)
        {
            ReportInvalidName(context, registration, name, problem);
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
                            DiagnosticDescriptors.Http2ProtocolName, registration.VersionsLocation, name + "/" + version, httpVersion));
                    }
                }
            }

            if (RegistrationRules.IsH2c(name))
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.H2cRegistered, registration.NameLocation, name));
            }
        }

        bool isWebSocket = RegistrationRules.IsWebSocket(name);
        ImmutableArray<string> versions = registration.Versions;
        for (int i = 0; i < versions.Length; i++)
        {
            if (RegistrationRules.DescribeInvalidElement(versions, i) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidVersion, registration.VersionsLocation, registration.VersionsText, problem));
            }
            else if (isWebSocket && versions[i] != RegistrationRules.WebSocketVersion)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.WebSocketVersion, registration.VersionsLocation, versions[i]));
            }
        }

        ImmutableArray<string> subProtocols = registration.SubProtocols;
        for (int i = 0; i < subProtocols.Length; i++)
        {
            if (RegistrationRules.DescribeInvalidElement(subProtocols, i) is { } problem)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.InvalidSubProtocol, registration.SubProtocolsLocation, registration.SubProtocolsText, problem));
            }
        }
    }

    // Two mistakes have one right answer: whitespace around a token, and "name/version" written as the name.
    private static void ReportInvalidName(SymbolAnalysisContext context, RegistrationInfo registration, string name, string problem)
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
            DiagnosticDescriptors.InvalidProtocolName, registration.NameLocation, properties, name, problem));
    }

    private static void AnalyzeHandler(
        SymbolAnalysisContext context,
        INamedTypeSymbol type,
        AttributeData firstAttribute,
        List<RegistrationInfo>? registrations,
        UpgradeSymbols symbols)
    {
        Location location = GetTypeNameLocation(firstAttribute, context) ?? type.Locations[0];
        string typeName = type.ToDisplayString(s_typeFormat);

        if (symbols.LacksHandlerInterface(type))
        {
            // IWebSocketHandler only serves websocket; IUpgradeHandler serves any protocol, so a mixed class needs it.
            bool allWebSocket = registrations is { Count: > 0 } && registrations.TrueForAll(r => r.Name is { } n && RegistrationRules.IsWebSocket(n));
            INamedTypeSymbol contract = allWebSocket ? symbols.WebSocketHandler! : symbols.UpgradeHandler!;
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty
                .Add(DiagnosticProperties.Fix, DiagnosticProperties.AddInterfaceFix)
                .Add(DiagnosticProperties.Interface, allWebSocket ? UpgradeSymbols.WebSocketHandlerMetadataName : UpgradeSymbols.UpgradeHandlerMetadataName);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.MissingHandlerInterface, location, properties, typeName, contract.Name));
        }

        if (HandlerShapeRules.GetConstructor(type, out string? problem) is null)
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.HandlerNotConstructible, location, typeName, problem));
        }
    }

    // The class name in the declaration that carries the attribute, which for a partial class is the part the user is editing.
    private static Location? GetTypeNameLocation(AttributeData attribute, SymbolAnalysisContext context)
    {
        SyntaxNode? syntax = attribute.ApplicationSyntaxReference?.GetSyntax(context.CancellationToken);
        return syntax?.Parent?.Parent is TypeDeclarationSyntax declaration ? declaration.Identifier.GetLocation() : null;
    }
}
