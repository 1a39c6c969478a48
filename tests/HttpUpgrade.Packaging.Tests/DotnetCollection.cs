using Xunit;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// The tests that run whole builds take turns: on a two-core machine, two at once would each take longer than both in a row.
/// They share one <see cref="PackedFeed"/>, packed once for all of them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DotnetCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "dotnet builds";
}
