using System;
using System.Linq;
using System.Text;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// The generated <c>Match</c> compares by length, then the whole name with OrdinalIgnoreCase, which folds ASCII letters
/// only: '^' and '~', '_' and DEL differ by the ASCII case bit yet never match, and no non-ASCII character (the Kelvin
/// sign, dotless i, long s, whose case mappings reach ASCII letters) matches a letter of a token.
/// </summary>
public sealed class MatcherTests
{
    // Every RFC 9110 tchar that is not a letter or digit, then digits and letters of both cases.
    private const string EveryTokenCharacter = "!#$%&'*+-.^_`|~0123456789AZaz";

    private const string Source = $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using HttpUpgrade;

        public abstract class Raw : IUpgradeHandler
        {
            public Task HandleAsync(UpgradeContext context, CancellationToken aborted) => Task.CompletedTask;
        }

        [UpgradeProtocol("a^b")]
        public sealed class Caret : Raw
        {
        }

        [UpgradeProtocol("a~b")]
        public sealed class Tilde : Raw
        {
        }

        [UpgradeProtocol("x_y")]
        public sealed class Underscore : Raw
        {
        }

        [UpgradeProtocol("{{EveryTokenCharacter}}")]
        public sealed class Everything : Raw
        {
        }

        [UpgradeProtocol("q")]
        public sealed class Short : Raw
        {
        }

        [UpgradeProtocol("kis")]
        public sealed class Kis : Raw
        {
        }
        """;

    [Theory]
    [InlineData("a^b", "Caret")]
    [InlineData("a~b", "Tilde")]
    [InlineData("x_y", "Underscore")]
    [InlineData("X_Y", "Underscore")]
    [InlineData("q", "Short")]
    [InlineData("Q", "Short")]
    [InlineData("KiS", "Kis")]
    [InlineData(EveryTokenCharacter, "Everything")]
    [InlineData("!#$%&'*+-.^_`|~0123456789azAZ", "Everything")]
    public void RegisteredNamesMatchIgnoringTheCaseOfLettersOnly(string name, string handler)
    {
        using LoadedAssembly loaded = Load();

        Assert.Equal(handler, Assert.Single(loaded.Registry.Match(name).ToArray()).HandlerName);
    }

    [Theory]
    [InlineData("x\u007Fy")]
    [InlineData("a>b")]
    [InlineData("a^c")]
    [InlineData("")]
    [InlineData("qq")]
    [InlineData("a^")]
    [InlineData("\u212Ais")]
    [InlineData("k\u0131s")]
    [InlineData("ki\u017F")]
    [InlineData("KI\u017F")]
    public void OtherNamesMatchNothing(string name)
    {
        using LoadedAssembly loaded = Load();

        Assert.True(loaded.Registry.Match(name).IsEmpty);
    }

    [Fact]
    public void ChangingAnyOneCharacterOtherThanALettersCaseMatchesNothing()
    {
        using LoadedAssembly loaded = Load();

        for (int i = 0; i < EveryTokenCharacter.Length; i++)
        {
            for (int c = 0; c < 128; c++)
            {
                char original = EveryTokenCharacter[i];
                if (c == original || (char.IsAsciiLetter(original) && char.ToLowerInvariant((char)c) == char.ToLowerInvariant(original)))
                {
                    continue;
                }

                var name = new StringBuilder(EveryTokenCharacter) { [i] = (char)c }.ToString();
                Assert.True(loaded.Registry.Match(name).IsEmpty, $"'{name}' matched after changing position {i}.");
            }
        }
    }

    private static LoadedAssembly Load() => GeneratorHarness.Run(GeneratorHarness.CreateCompilation(Source)).Load();
}
