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
/// UPG008: the HTTP/1.1 Upgrade mechanism used where HTTP/2 or HTTP/3 carries the message. Two shapes are found within
/// one method body (for a minimal-hosting app, all of Program.cs): connection-specific headers set on an
/// <c>HttpRequestMessage</c>, <c>HttpResponseMessage</c> or <c>HttpClient</c> whose version is 2.0 or 3.0, and
/// <c>MapUpgrade</c> in an app whose every Kestrel endpoint is configured without <c>HttpProtocols.Http1</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class Http2UpgradeAnalyzer : DiagnosticAnalyzer
{
    private const int Http1Flag = 1;
    private const int Http2Flag = 2;
    private const int Http3Flag = 4;

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
        ImmutableArray.Create(DiagnosticDescriptors.UpgradeOverHttp2);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            HttpSymbols? symbols = HttpSymbols.Create(start.Compilation);
            if (symbols is null)
            {
                return;
            }

            // A code block action, not an operation block action: only the few bodies that pass MentionsTrigger are bound
            // to operations, instead of every method body of the compilation.
            start.RegisterCodeBlockAction(context => AnalyzeBlock(context, symbols));
        });
    }

    private static void AnalyzeBlock(CodeBlockAnalysisContext context, HttpSymbols symbols)
    {
        if (!MentionsTrigger(context.CodeBlock) ||
            context.SemanticModel.GetOperation(context.CodeBlock, context.CancellationToken) is not { } block)
        {
            return;
        }

        BlockState? state = null;
        foreach (IOperation operation in block.DescendantsAndSelf())
        {
            switch (operation)
            {
                case ISimpleAssignmentOperation assignment:
                    VisitAssignment(assignment, symbols, ref state);
                    break;
                case IInvocationOperation invocation:
                    VisitInvocation(invocation, symbols, ref state);
                    break;
            }
        }

        if (state is not null)
        {
            ReportHeaders(context, state);
            ReportKestrel(context, state, symbols);
        }
    }

    // A syntactic sieve, so that binding is paid only where a warning is possible. The header shape needs a version
    // property, a 2 or 3 (HttpVersion.Version20, new Version(2, 0)) and a connection-specific header named as a string or a
    // typed header property; the Kestrel shape needs MapUpgrade and Protocols.
    private static bool MentionsTrigger(SyntaxNode block)
    {
        // A type's own code block (a primary constructor) holds no statements, and in a file of top-level statements
        // only those statements belong to <Main>$: every member elsewhere is a code block of its own.
        if (block is BaseTypeDeclarationSyntax)
        {
            return false;
        }

        bool version = false, major = false, header = false, mapUpgrade = false, protocols = false;
        foreach (SyntaxToken token in block.DescendantTokens(static node => node is not (BaseTypeDeclarationSyntax or BaseNamespaceDeclarationSyntax)))
        {
            switch ((SyntaxKind)token.RawKind)
            {
                case SyntaxKind.IdentifierToken:
                    switch (token.ValueText)
                    {
                        case "Version" or "DefaultRequestVersion":
                            version = true;
                            break;
                        case "Version20" or "Version30":
                            major = true;
                            break;
                        case "Connection" or "Upgrade" or "TransferEncoding" or "ConnectionClose" or "TransferEncodingChunked":
                            header = true;
                            break;
                        case "MapUpgrade":
                            mapUpgrade = true;
                            break;
                        case "Protocols":
                            protocols = true;
                            break;
                    }

                    break;
                case SyntaxKind.NumericLiteralToken:
                    major |= token.Value is 2 or 3;
                    break;
                case SyntaxKind.StringLiteralToken:
                    header |= s_connectionHeaders.ContainsKey(token.ValueText);
                    break;
            }

            if ((version && major && header) || (mapUpgrade && protocols))
            {
                return true;
            }
        }

        return false;
    }

    private static void VisitAssignment(ISimpleAssignmentOperation assignment, HttpSymbols symbols, ref BlockState? state)
    {
        if (assignment.Target is not IPropertyReferenceOperation target)
        {
            return;
        }

        IPropertySymbol property = target.Property;
        if (symbols.IsVersionProperty(property))
        {
            object? root = GetRoot(target.Instance);
            if (root is not null)
            {
                (state ??= new BlockState()).SetVersion(root, GetHttpMajorVersion(assignment.Value, symbols));
            }
        }
        else if (symbols.IsListenOptionsProtocols(property))
        {
            (state ??= new BlockState()).ProtocolAssignments.Add(assignment);
        }
        else if (property.Name is "ConnectionClose" or "TransferEncodingChunked" &&
            target.Instance is not null &&
            symbols.IsHeaderCollection(property.ContainingType) &&
            !IsFalseOrNull(assignment.Value))
        {
            string header = property.Name == "ConnectionClose" ? "Connection" : "Transfer-Encoding";
            AddHeader(target.Instance, header, target.Syntax.GetLocation(), ref state);
        }
    }

    private static void VisitInvocation(IInvocationOperation invocation, HttpSymbols symbols, ref BlockState? state)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name == "MapUpgrade" && method.ContainingAssembly?.Name.StartsWith("HttpUpgrade", StringComparison.Ordinal) == true)
        {
            (state ??= new BlockState()).MapUpgrades.Add(invocation);
            return;
        }

        if (symbols.IsKestrelServerOptions(method.ContainingType))
        {
            if (method.Name.StartsWith("Listen", StringComparison.Ordinal))
            {
                (state ??= new BlockState()).Listens.Add(invocation);
            }
            else if (method.Name == "ConfigureEndpointDefaults")
            {
                (state ??= new BlockState()).EndpointDefaults.Add(invocation);
            }

            return;
        }

        if (invocation.Instance is null)
        {
            return;
        }

        // headers.Add("Upgrade", ...) and headers.TryAddWithoutValidation("Connection", ...)
        if (method.Name is "Add" or "TryAddWithoutValidation" &&
            symbols.IsHeaderCollection(method.ContainingType) &&
            invocation.Arguments.Length > 0 &&
            invocation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: string name } &&
            s_connectionHeaders.TryGetValue(name, out string? header))
        {
            AddHeader(invocation.Instance, header, invocation.Arguments[0].Value.Syntax.GetLocation(), ref state);
            return;
        }

        // headers.Upgrade.Add(...), headers.Connection.ParseAdd(...), headers.TransferEncoding.TryParseAdd(...)
        if (method.Name is "Add" or "ParseAdd" or "TryParseAdd" &&
            Unwrap(invocation.Instance) is IPropertyReferenceOperation { Property: { Name: "Connection" or "Upgrade" or "TransferEncoding" } valueCollection } collection &&
            symbols.IsHeaderCollection(valueCollection.ContainingType) &&
            collection.Instance is not null)
        {
            string named = valueCollection.Name == "TransferEncoding" ? "Transfer-Encoding" : valueCollection.Name;
            AddHeader(collection.Instance, named, invocation.Syntax.GetLocation(), ref state);
        }
    }

    // The headers' owner: request.Headers, response.Headers or client.DefaultRequestHeaders, also inside an object initializer.
    private static void AddHeader(IOperation headers, string header, Location location, ref BlockState? state)
    {
        if (Unwrap(ResolveImplicitReceiver(headers)) is IPropertyReferenceOperation { Property.Name: "Headers" or "DefaultRequestHeaders" } owner &&
            GetRoot(owner.Instance) is { } root)
        {
            (state ??= new BlockState()).Headers.Add((root, header, location));
        }
    }

    private static void ReportHeaders(CodeBlockAnalysisContext context, BlockState state)
    {
        foreach ((object root, string header, Location location) in state.Headers)
        {
            if (state.Versions.TryGetValue(root, out int major) && major is 2 or 3)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UpgradeOverHttp2,
                    location,
                    "Header '" + header + "'",
                    major == 2 ? "2" : "3",
                    "remove it, or send the message over HTTP/1.1"));
            }
        }
    }

    // Kestrel's default for every endpoint is Http1AndHttp2, so a warning needs every endpoint of the block known to
    // exclude Http1: a value that is not a constant, or configuration this block cannot see, means no warning.
    private static void ReportKestrel(CodeBlockAnalysisContext context, BlockState state, HttpSymbols symbols)
    {
        if (state.MapUpgrades.Count == 0 || state.ProtocolAssignments.Count == 0)
        {
            return;
        }

        var placed = new HashSet<IOperation>();
        int? defaults = Http1Flag | Http2Flag;
        foreach (IInvocationOperation configure in state.EndpointDefaults)
        {
            (bool set, int? value) = ReadProtocols(configure, symbols, placed);
            if (set)
            {
                defaults = value;
            }
        }

        var endpoints = new List<int?>();
        foreach (IInvocationOperation listen in state.Listens)
        {
            (bool set, int? value) = ReadProtocols(listen, symbols, placed);
            endpoints.Add(set ? value : defaults);
        }

        // Without Listen* calls the endpoints come from URLs or configuration and take the endpoint defaults.
        if (endpoints.Count == 0 && state.EndpointDefaults.Count > 0)
        {
            endpoints.Add(defaults);
        }

        // An assignment outside Listen*/ConfigureEndpointDefaults lambdas configures an endpoint this analysis cannot place.
        if (endpoints.Count == 0 || placed.Count != state.ProtocolAssignments.Count)
        {
            return;
        }

        int union = 0;
        foreach (int? protocols in endpoints)
        {
            if (protocols is not int value || (value & Http1Flag) != 0)
            {
                return;
            }

            union |= value;
        }

        string versions = (union & (Http2Flag | Http3Flag)) switch
        {
            Http2Flag => "2",
            Http3Flag => "3",
            _ => "2 and HTTP/3",
        };
        var assignments = new List<Location>(state.ProtocolAssignments.Count);
        foreach (ISimpleAssignmentOperation assignment in state.ProtocolAssignments)
        {
            assignments.Add(assignment.Value.Syntax.GetLocation());
        }

        foreach (IInvocationOperation mapUpgrade in state.MapUpgrades)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UpgradeOverHttp2,
                mapUpgrade.Syntax.GetLocation(),
                assignments,
                "MapUpgrade",
                versions,
                "let the endpoints serve HTTP/1.1 too (HttpProtocols.Http1AndHttp2); over HTTP/2 only WebSockets reach it, through extended CONNECT (RFC 8441)"));
        }
    }

    // What the Action<ListenOptions> argument of a Kestrel call assigns to Protocols: (false, _) when nothing,
    // (true, value) for a constant, (true, null) when it cannot be known.
    private static (bool Set, int? Value) ReadProtocols(IInvocationOperation invocation, HttpSymbols symbols, HashSet<IOperation> placed)
    {
        IArgumentOperation? configure = null;
        foreach (IArgumentOperation argument in invocation.Arguments)
        {
            if (argument.ArgumentKind != ArgumentKind.DefaultValue &&
                argument.Parameter?.Type is INamedTypeSymbol { Name: "Action", Arity: 1 } action &&
                SymbolEqualityComparer.Default.Equals(action.TypeArguments[0], symbols.ListenOptions))
            {
                configure = argument;
            }
        }

        if (configure is null)
        {
            return (false, null);
        }

        if (Unwrap(configure.Value) is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
        {
            return (true, null);
        }

        (bool Set, int? Value) result = (false, null);
        foreach (IOperation operation in lambda.Body.Descendants())
        {
            if (operation is ISimpleAssignmentOperation { Target: IPropertyReferenceOperation target } assignment &&
                symbols.IsListenOptionsProtocols(target.Property))
            {
                placed.Add(assignment);
                result = (true, assignment.Value.ConstantValue is { HasValue: true, Value: int value } ? value : null);
            }
        }

        return result;
    }

    private static int GetHttpMajorVersion(IOperation value, HttpSymbols symbols)
    {
        switch (Unwrap(value))
        {
            case IFieldReferenceOperation field when SymbolEqualityComparer.Default.Equals(field.Field.ContainingType, symbols.HttpVersion):
                return field.Field.Name switch
                {
                    "Version10" or "Version11" => 1,
                    "Version20" => 2,
                    "Version30" => 3,
                    _ => 0,
                };
            case IObjectCreationOperation creation when SymbolEqualityComparer.Default.Equals(creation.Type, symbols.Version) &&
                creation.Arguments.Length > 0 &&
                creation.Arguments[0].Value.ConstantValue is { HasValue: true, Value: int major }:
                return major;
            default:
                return 0;
        }
    }

    // Identifies the object a member chain starts from: a local, parameter, field or property, or a new object not stored anywhere.
    private static object? GetRoot(IOperation? instance)
    {
        switch (Unwrap(ResolveImplicitReceiver(instance)))
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
                return GetStoredSymbol(creation) ?? (object)creation;
            default:
                return null;
        }
    }

    // var request = new HttpRequestMessage { ... } and request = new HttpRequestMessage { ... } both name the object after the variable.
    private static ISymbol? GetStoredSymbol(IOperation creation)
    {
        IOperation current = creation;
        while (current.Parent is IConversionOperation or IParenthesizedOperation)
        {
            current = current.Parent;
        }

        switch (current.Parent)
        {
            case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                return declarator.Symbol;
            case ISimpleAssignmentOperation assignment when ReferenceEquals(assignment.Value, current):
                return Unwrap(assignment.Target) switch
                {
                    ILocalReferenceOperation local => local.Local,
                    IFieldReferenceOperation field => field.Field,
                    IParameterReferenceOperation parameter => parameter.Parameter,
                    IPropertyReferenceOperation property => property.Property,
                    _ => null,
                };
            default:
                return null;
        }
    }

    // Inside "new T { Member = { ... } }" the receiver is implicit: it is the member being initialized, or the new object.
    private static IOperation? ResolveImplicitReceiver(IOperation? operation)
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

    private static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation or IParenthesizedOperation)
        {
            operation = operation is IConversionOperation conversion ? conversion.Operand : ((IParenthesizedOperation)operation).Operand;
        }

        return operation;
    }

    private static bool IsFalseOrNull(IOperation value) =>
        Unwrap(value)?.ConstantValue is { HasValue: true, Value: null or false };

    private sealed class BlockState
    {
        private static readonly RootComparer s_rootComparer = new();

        public Dictionary<object, int> Versions { get; } = new(s_rootComparer);

        public List<(object Root, string Header, Location Location)> Headers { get; } = new();

        public List<ISimpleAssignmentOperation> ProtocolAssignments { get; } = new();

        public List<IInvocationOperation> Listens { get; } = new();

        public List<IInvocationOperation> EndpointDefaults { get; } = new();

        public List<IInvocationOperation> MapUpgrades { get; } = new();

        // Several assignments agree or the version is unknown (0): only a version every assignment gives counts.
        public void SetVersion(object root, int major) =>
            Versions[root] = Versions.TryGetValue(root, out int existing) && existing != major ? 0 : major;
    }

    private sealed class RootComparer : IEqualityComparer<object>
    {
        public new bool Equals(object? x, object? y) =>
            x is ISymbol a && y is ISymbol b ? SymbolEqualityComparer.Default.Equals(a, b) : ReferenceEquals(x, y);

        public int GetHashCode(object obj) =>
            obj is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
    }
}
