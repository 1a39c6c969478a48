using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG008: a connection-specific header (<c>Connection</c>, <c>Upgrade</c>, <c>Keep-Alive</c>, <c>Proxy-Connection</c>,
/// <c>Transfer-Encoding</c>) set on an <c>HttpRequestMessage</c>, <c>HttpResponseMessage</c> or <c>HttpClient</c> whose
/// version is 2.0 or 3.0, within one method body (for a minimal-hosting app, all of Program.cs).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class ConnectionHeaderAnalyzer : DiagnosticAnalyzer
{
    private const string Fix = "remove it, or send the message over HTTP/1.1";

    // RFC 9113 §8.2.2 and RFC 9114 §4.2: the connection-specific fields an HTTP/2 or HTTP/3 message must not carry.
    private static readonly ImmutableDictionary<string, string> s_connectionHeaders = ImmutableDictionary.CreateRange(
        StringComparer.OrdinalIgnoreCase,
        new[]
        {
            new KeyValuePair<string, string>("Connection", "Connection"),
            new KeyValuePair<string, string>("Upgrade", "Upgrade"),
            new KeyValuePair<string, string>("Keep-Alive", "Keep-Alive"),
            new KeyValuePair<string, string>("Proxy-Connection", "Proxy-Connection"),
            new KeyValuePair<string, string>("Transfer-Encoding", "Transfer-Encoding"),
        });

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ConnectionHeaderOverHttp2);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStart(
            static (start, types) => start.RegisterSievedBlockAction(MentionsTrigger, (context, block) => AnalyzeBlock(context, block, types)),
            WellKnownType.System_Net_Http_Headers_HttpHeaders);
    }

    private static void AnalyzeBlock(CodeBlockAnalysisContext context, IOperation block, WellKnownTypes types)
    {
        var messages = new MessageVersions();
        var headers = new List<(object Message, string Header, Location Location)>();
        foreach (IOperation operation in block.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment:
                    if (IsVersionProperty(target.Property, types))
                    {
                        messages.Set(MessageVersions.Identify(target.Instance), GetHttpMajorVersion(assignment.Value, types));
                    }
                    else if (target.Property.Name is "ConnectionClose" or "TransferEncodingChunked" &&
                        target.Instance is not null &&
                        types.IsOrDerivesFrom(target.Property.ContainingType, WellKnownType.System_Net_Http_Headers_HttpHeaders) &&
                        UpgradeApi.Unwrap(assignment.Value)?.ConstantValue is not { HasValue: true, Value: null or false })
                    {
                        string header = target.Property.Name == "ConnectionClose" ? "Connection" : "Transfer-Encoding";
                        AddHeader(headers, target.Instance, header, target.Syntax.GetLocation());
                    }

                    break;
                case IInvocationOperation { Instance: { } instance } invocation:
                    VisitInvocation(headers, invocation, instance, types);
                    break;
            }
        }

        foreach ((object message, string header, Location location) in headers)
        {
            if (messages.Get(message) is int major && major is 2 or 3)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.ConnectionHeaderOverHttp2,
                    location,
                    "Header '" + header + "'",
                    major == 2 ? "2" : "3",
                    Fix));
            }
        }
    }

    // Where a warning is possible: a version property, a 2 or 3 (HttpVersion.Version20, new Version(2, 0)), and a
    // connection-specific header named as a string or a typed header property.
    private static bool MentionsTrigger(IEnumerable<SyntaxToken> tokens)
    {
        bool version = false, major = false, header = false;
        foreach (SyntaxToken token in tokens)
        {
            switch ((SyntaxKind)token.RawKind)
            {
                case SyntaxKind.IdentifierToken:
                    version |= token.ValueText is "Version" or "DefaultRequestVersion";
                    major |= token.ValueText is "Version20" or "Version30";
                    header |= token.ValueText is "Connection" or "Upgrade" or "TransferEncoding" or "ConnectionClose" or "TransferEncodingChunked";
                    break;
                case SyntaxKind.NumericLiteralToken:
                    major |= token.Value is 2 or 3;
                    break;
                case SyntaxKind.StringLiteralToken:
                    header |= s_connectionHeaders.ContainsKey(token.ValueText);
                    break;
            }

            if (version && major && header)
            {
                return true;
            }
        }

        return false;
    }

    private static void VisitInvocation(List<(object, string, Location)> headers, IInvocationOperation invocation, IOperation instance, WellKnownTypes types)
    {
        IMethodSymbol method = invocation.TargetMethod;

        // headers.Add("Upgrade", ...) and headers.TryAddWithoutValidation("Connection", ...)
        if (method.Name is "Add" or "TryAddWithoutValidation" &&
            types.IsOrDerivesFrom(method.ContainingType, WellKnownType.System_Net_Http_Headers_HttpHeaders) &&
            invocation.Arguments.Length > 0 &&
            invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string name } &&
            s_connectionHeaders.TryGetValue(name, out string? header))
        {
            AddHeader(headers, instance, header, invocation.Arguments[0].Value.Syntax.GetLocation());
            return;
        }

        // headers.Upgrade.Add(...), headers.Connection.ParseAdd(...), headers.TransferEncoding.TryParseAdd(...)
        if (method.Name is "Add" or "ParseAdd" or "TryParseAdd" &&
            UpgradeApi.Unwrap(instance) is IPropertyReferenceOperation { Property: { Name: "Connection" or "Upgrade" or "TransferEncoding" } values, Instance: { } collection } &&
            types.IsOrDerivesFrom(values.ContainingType, WellKnownType.System_Net_Http_Headers_HttpHeaders))
        {
            AddHeader(headers, collection, values.Name == "TransferEncoding" ? "Transfer-Encoding" : values.Name, invocation.Syntax.GetLocation());
        }
    }

    // The headers' owner: request.Headers, response.Headers or client.DefaultRequestHeaders, also inside an object initializer.
    private static void AddHeader(List<(object, string, Location)> headers, IOperation collection, string header, Location location)
    {
        if (UpgradeApi.Unwrap(MessageVersions.ResolveImplicitReceiver(collection)) is IPropertyReferenceOperation { Property.Name: "Headers" or "DefaultRequestHeaders" } owner &&
            MessageVersions.Identify(owner.Instance) is { } message)
        {
            headers.Add((message, header, location));
        }
    }

    /// <summary><c>HttpRequestMessage.Version</c>, <c>HttpResponseMessage.Version</c> or <c>HttpClient.DefaultRequestVersion</c>.</summary>
    private static bool IsVersionProperty(IPropertySymbol property, WellKnownTypes types) => property.Name switch
    {
        "Version" => types.Is(property.ContainingType, WellKnownType.System_Net_Http_HttpRequestMessage) ||
            types.Is(property.ContainingType, WellKnownType.System_Net_Http_HttpResponseMessage),
        "DefaultRequestVersion" => types.Is(property.ContainingType, WellKnownType.System_Net_Http_HttpClient),
        _ => false,
    };

    // 1, 2 or 3 for HttpVersion.Version10 to Version30 and new Version(major, ...); 0 when the value is not a constant.
    private static int GetHttpMajorVersion(IOperation value, WellKnownTypes types)
    {
        switch (UpgradeApi.Unwrap(value))
        {
            case IFieldReferenceOperation field when types.Is(field.Field.ContainingType, WellKnownType.System_Net_HttpVersion):
                return field.Field.Name switch
                {
                    "Version10" or "Version11" => 1,
                    "Version20" => 2,
                    "Version30" => 3,
                    _ => 0,
                };
            case IObjectCreationOperation creation when types.Is(creation.Type, WellKnownType.System_Version) &&
                creation.Arguments.Length > 0 &&
                creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int major }:
                return major;
            default:
                return 0;
        }
    }
}
