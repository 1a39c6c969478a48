using Microsoft.CodeAnalysis;

namespace HttpUpgrade.Generators.Benchmarks;

/// <summary>
/// The least any generator that finds <c>[UpgradeProtocol]</c> classes pays: Roslyn's attribute lookup and one symbol
/// per class, with nothing read from it and nothing emitted. The difference to the real generator is its own cost.
/// </summary>
public sealed class FloorGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<string> names = context.SyntaxProvider.ForAttributeWithMetadataName(
            "HttpUpgrade.UpgradeProtocolAttribute",
            static (_, _) => true,
            static (context, _) => context.TargetSymbol.Name);
        context.RegisterSourceOutput(names.Collect(), static (_, _) => { });
    }
}
