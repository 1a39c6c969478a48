using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using HttpUpgrade.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// A compiled test assembly in its own collectible load context. Its references (HttpUpgrade, dependency injection)
/// resolve to the copies this test already loaded, so its registry can be used through the real interfaces; the
/// compilations it references (a handler library, say) are loaded into the same context first.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    public LoadedAssembly(Compilation compilation, params Compilation[] references)
    {
        _context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        foreach (Compilation reference in references)
        {
            LoadInto(reference);
        }

        Assembly = LoadInto(compilation);
    }

    public Assembly Assembly { get; }

    /// <summary>The assembly name as the generator spells it in type and method names.</summary>
    public string Identifier => UpgradeProtocolGenerator.Parser.ToIdentifier(Assembly.GetName().Name!);

    public Type RegistryType => GetType($"HttpUpgrade.Generated.{Identifier}UpgradeRegistry");

    public IUpgradeRegistry Registry
        => (IUpgradeRegistry)RegistryType
            .GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null)!;

    public Type ExtensionsType => GetType($"Microsoft.Extensions.DependencyInjection.{Identifier}UpgradeHandlersServiceCollectionExtensions");

    public Type GetType(string fullName) => Assembly.GetType(fullName, throwOnError: true)!;

    /// <summary>Calls the internal <c>AddUpgradeHandlers()</c>, what code in the same assembly calls.</summary>
    public IServiceCollection AddUpgradeHandlers(IServiceCollection services)
        => (IServiceCollection)ExtensionsType
            .GetMethod("AddUpgradeHandlers", BindingFlags.NonPublic | BindingFlags.Static)!
            .Invoke(null, new object[] { services })!;

    /// <summary>Calls the public <c>Add{Assembly}UpgradeHandlers()</c>, what code in another assembly calls.</summary>
    public IServiceCollection AddAssemblyUpgradeHandlers(IServiceCollection services)
        => (IServiceCollection)ExtensionsType
            .GetMethod($"Add{Identifier}UpgradeHandlers", BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, new object[] { services })!;

    /// <summary>"name -> handler" for every registration, in registry order.</summary>
    public string[] DescribeRegistrations() => Registry.Registrations.Select(r => r.Name + " -> " + r.HandlerName).ToArray();

    public void Dispose() => _context.Unload();

    private Assembly LoadInto(Compilation compilation)
    {
        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        image.Position = 0;
        return _context.LoadFromStream(image);
    }
}
