using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace HttpUpgrade.Generators;

/// <summary>
/// Turns every class marked <c>[UpgradeProtocol]</c> into the assembly's <c>IUpgradeRegistry</c>: a switch-based
/// name match and factories that call the handlers' constructors directly, plus the methods that register it with
/// dependency injection (<c>AddUpgradeHandlers()</c> inside the assembly, <c>Add{Assembly}UpgradeHandlers()</c> from others).
/// </summary>
[Generator(LanguageNames.CSharp)]
internal sealed partial class UpgradeProtocolGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<HandlerModel> handlers = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                Parser.UpgradeProtocolAttributeName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Handlers)
            .Where(static handler => handler is not null)
            .Select(static (handler, _) => handler!)
            .WithTrackingName(TrackingNames.ValidHandlers);

        IncrementalValueProvider<EquatableArray<RegistryEntryModel>> entries = handlers
            .Collect()
            .WithTrackingName(TrackingNames.AllHandlers)
            .Select(static (handlers, _) => Emitter.CreateEntries(handlers))
            .WithTrackingName(TrackingNames.RegistryEntries);

        IncrementalValueProvider<AssemblyModel> assembly = context.CompilationProvider
            .Select(static (compilation, _) => Parser.ParseAssembly(compilation))
            .WithTrackingName(TrackingNames.Assembly);

        IncrementalValueProvider<(EquatableArray<RegistryEntryModel> Entries, AssemblyModel Assembly)> registry = entries
            .Combine(assembly)
            .WithTrackingName(TrackingNames.RegistryInput);

        IncrementalValueProvider<(bool HasHandlers, AssemblyModel Assembly)> serviceCollectionExtensions = entries
            .Select(static (entries, _) => entries.Count > 0)
            .WithTrackingName(TrackingNames.HasHandlers)
            .Combine(assembly)
            .WithTrackingName(TrackingNames.ServiceCollectionExtensionsInput);

        context.RegisterSourceOutput(registry, static (context, input) => Emitter.EmitRegistry(context, input.Entries, input.Assembly));
        context.RegisterSourceOutput(
            serviceCollectionExtensions,
            static (context, input) => Emitter.EmitServiceCollectionExtensions(context, input.HasHandlers, input.Assembly));
    }
}
