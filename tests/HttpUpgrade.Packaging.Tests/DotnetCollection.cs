using Xunit;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// The tests that run whole builds take turns: on a two-core machine, two at once would each take longer than both in a row.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DotnetCollection
{
    public const string Name = "dotnet builds";
}
