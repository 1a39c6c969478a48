using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace HttpUpgrade.Analyzers;

/// <summary>
/// UPG011: two handlers one <c>MapUpgrade</c> endpoint serves claim the same protocol name, version and subprotocol, which
/// the endpoint rejects at startup. <c>MapUpgrade&lt;T1, ...&gt;</c> serves the handlers it names; <c>MapUpgrade</c>
/// without type arguments serves every registered handler, so this compilation's own handlers must not collide. That
/// needs every class of the compilation, so it is reported at compilation end; the rule is the runtime's own
/// (<see cref="RegistrationRules.FindDuplicates{TOwner}"/> over the registrations the generator emits).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
internal sealed class EndpointCollisionAnalyzer : DiagnosticAnalyzer
{
    private const string NamedEndpoint = "this endpoint";
    private const string EveryHandlerEndpoint = "this endpoint, which serves every handler of the assembly";

    private static readonly SymbolDisplayFormat s_typeFormat = SymbolDisplayFormat.CSharpShortErrorMessageFormat;

    private static readonly WellKnownType[] s_requiredTypes =
    {
        WellKnownType.HttpUpgrade_UpgradeProtocolAttribute,
        WellKnownType.Microsoft_AspNetCore_Builder_UpgradeEndpointRouteBuilderExtensions,
    };

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.EndpointCollision);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStart(RegisterActions, s_requiredTypes);
    }

    private static void RegisterActions(CompilationStartAnalysisContext start, WellKnownTypes types)
    {
        var ownHandlers = new ConcurrentBag<DeclaredHandler>();
        var namedEndpoints = new ConcurrentBag<Diagnostic>();
        var everyHandlerEndpoints = new ConcurrentBag<Location>();
        start.RegisterHandlerAction(types, (_, handler) =>
        {
            if (handler is { IsUsable: true, Registrations.IsEmpty: false })
            {
                ownHandlers.Add(handler);
            }
        });
        start.RegisterOperationAction(
            context =>
            {
                var invocation = (IInvocationOperation)context.Operation;
                if (!UpgradeApi.IsMapUpgrade(invocation.TargetMethod, types))
                {
                    return;
                }

                if (invocation.TargetMethod.TypeArguments.IsEmpty)
                {
                    everyHandlerEndpoints.Add(invocation.Syntax.GetLocation());
                }
                else
                {
                    // The handlers it names are known now; the diagnostic waits for the end, as its tag says.
                    foreach (Diagnostic diagnostic in AnalyzeNamedHandlers(context.Compilation, invocation, types, context.CancellationToken))
                    {
                        namedEndpoints.Add(diagnostic);
                    }
                }
            },
            OperationKind.Invocation);
        start.RegisterCompilationEndAction(context =>
        {
            foreach (Diagnostic diagnostic in namedEndpoints)
            {
                context.ReportDiagnostic(diagnostic);
            }

            if (!everyHandlerEndpoints.IsEmpty)
            {
                ReportOwnCollisions(context, ownHandlers.ToArray(), everyHandlerEndpoints);
            }
        });
    }

    // MapUpgrade<T1, ..., Tn>: the registrations of the named handlers, in type-argument order, as the endpoint adds them.
    private static IEnumerable<Diagnostic> AnalyzeNamedHandlers(Compilation compilation, IInvocationOperation invocation, WellKnownTypes types, CancellationToken cancellationToken)
    {
        ImmutableArray<ITypeSymbol> arguments = invocation.TargetMethod.TypeArguments;
        var handlers = new List<DeclaredHandler>(arguments.Length);
        var argumentIndex = new List<int>(arguments.Length);
        for (int i = 0; i < arguments.Length; i++)
        {
            // A type named twice is served once; a type that is no usable handler is UPG004, UPG005 or UPG012's business.
            if (arguments[i] is INamedTypeSymbol type &&
                !handlers.Exists(h => SymbolEqualityComparer.Default.Equals(h.Type, type)) &&
                DeclaredHandler.Read(type, types, cancellationToken) is { IsUsable: true } handler)
            {
                handlers.Add(handler);
                argumentIndex.Add(i);
            }
        }

        foreach ((Claim claim, DuplicateClaim duplicate, Claim first) in FindCollisions(handlers))
        {
            int later = argumentIndex[handlers.IndexOf(claim.Handler)];
            yield return Diagnostic.Create(
                DiagnosticDescriptors.EndpointCollision,
                UpgradeApi.TypeArgumentLocation(invocation, later),
                AttributeLocations(compilation, claim, first),
                duplicate.Claim,
                first.Handler.Type.ToDisplayString(s_typeFormat),
                claim.Handler.Type.ToDisplayString(s_typeFormat),
                NamedEndpoint);
        }
    }

    // MapUpgrade without type arguments: every handler of the compilation, in source order, collides at each such call.
    private static void ReportOwnCollisions(CompilationAnalysisContext context, DeclaredHandler[] handlers, IEnumerable<Location> endpoints)
    {
        Array.Sort(handlers, static (x, y) => DeclaredRegistration.CompareSourceOrder(x.Registrations[0].Registration, y.Registrations[0].Registration));
        foreach ((Claim claim, DuplicateClaim duplicate, Claim first) in FindCollisions(handlers))
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            foreach (Location endpoint in endpoints)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.EndpointCollision,
                    endpoint,
                    AttributeLocations(context.Compilation, claim, first),
                    duplicate.Claim,
                    first.Handler.Type.ToDisplayString(s_typeFormat),
                    claim.Handler.Type.ToDisplayString(s_typeFormat),
                    EveryHandlerEndpoint));
            }
        }
    }

    // The registrations the generator emits for each handler, in order; each that repeats a claim of an earlier one. The
    // emitted registrations of one class never repeat each other (UPG003), so the earlier one is always another class's.
    private static IEnumerable<(Claim Claim, DuplicateClaim Duplicate, Claim First)> FindCollisions(IEnumerable<DeclaredHandler> handlers)
    {
        var claims = new List<Claim>();
        foreach (DeclaredHandler handler in handlers)
        {
            foreach (DeclaredHandler.Entry entry in handler.Registrations)
            {
                if (entry.IsEmitted)
                {
                    claims.Add(new Claim(handler, entry.Registration));
                }
            }
        }

        var claimants = claims.ConvertAll(static c => new Claimant<INamedTypeSymbol>(c.Handler.Type, c.Registration.Name!, c.Registration.Versions, c.Registration.SubProtocols));
        DuplicateClaim?[] duplicates = RegistrationRules.FindDuplicates(claimants, SymbolEqualityComparer.Default);
        for (int i = 0; i < duplicates.Length; i++)
        {
            if (duplicates[i] is { } duplicate)
            {
                yield return (claims[i], duplicate, claims[duplicate.FirstIndex]);
            }
        }
    }

    // The two attributes that collide, where they are in this compilation's source. A handler of a referenced project is
    // in source too when the IDE analyzes the projects together, yet a diagnostic may only point into its own compilation.
    private static IEnumerable<Location> AttributeLocations(Compilation compilation, Claim later, Claim first)
    {
        foreach (Claim claim in new[] { later, first })
        {
            if (claim.Registration.Attribute.ApplicationSyntaxReference is { } syntax && compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                yield return Location.Create(syntax.SyntaxTree, syntax.Span);
            }
        }
    }

    private sealed class Claim
    {
        public Claim(DeclaredHandler handler, DeclaredRegistration registration)
        {
            Handler = handler;
            Registration = registration;
        }

        public DeclaredHandler Handler { get; }

        public DeclaredRegistration Registration { get; }
    }
}
