using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HttpUpgrade.Generators;

/// <summary>
/// Turns every class marked <c>[UpgradeProtocol]</c> into the assembly's <c>IUpgradeRegistry</c>: a switch-based
/// name match and factories that call the handlers' constructors directly, plus <c>AddUpgradeHandlers()</c>.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class UpgradeProtocolGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<HandlerModel> handlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.UpgradeProtocolAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Handlers)
            .Where(static handler => handler is not null)
            .Select(static (handler, _) => handler!)
            .WithTrackingName(TrackingNames.ValidHandlers);

        IncrementalValueProvider<CompilationModel> compilation = context.CompilationProvider
            .Select(static (compilation, _) => new CompilationModel(
                compilation.AssemblyName,
                HasDependencyInjection: compilation.GetTypeByMetadataName(Parser.ServiceCollectionMetadataName) is not null))
            .WithTrackingName(TrackingNames.CompilationModel);

        IncrementalValueProvider<(ImmutableArray<HandlerModel> Handlers, CompilationModel Compilation)> input = handlers
            .Collect()
            .WithTrackingName(TrackingNames.AllHandlers)
            .Combine(compilation)
            .WithTrackingName(TrackingNames.GeneratorInput);

        context.RegisterSourceOutput(input, static (context, input) => Emitter.Emit(context, input.Handlers, input.Compilation));
    }
}
