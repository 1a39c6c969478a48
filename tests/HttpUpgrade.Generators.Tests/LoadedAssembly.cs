using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace HttpUpgrade.Generators.Tests;

/// <summary>
/// A compiled test assembly in its own collectible load context. Its references (HttpUpgrade, dependency injection)
/// resolve to the copies this test already loaded, so its registry can be used through the real interfaces.
/// </summary>
internal sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;

    public LoadedAssembly(Compilation compilation)
    {
        using var image = new MemoryStream();
        EmitResult result = compilation.Emit(image);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        image.Position = 0;
        _context = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true);
        Assembly = _context.LoadFromStream(image);
    }

    public Assembly Assembly { get; }

    public IUpgradeRegistry Registry
        => (IUpgradeRegistry)GetType("HttpUpgrade.Generated.UpgradeHandlerRegistry")
            .GetProperty("Instance", BindingFlags.Public | BindingFlags.Static)!
            .GetValue(null)!;

    public Type GetType(string fullName) => Assembly.GetType(fullName, throwOnError: true)!;

    public IServiceCollection AddUpgradeHandlers(IServiceCollection services)
        => (IServiceCollection)GetType("Microsoft.Extensions.DependencyInjection.UpgradeHandlersServiceCollectionExtensions")
            .GetMethod("AddUpgradeHandlers", BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, new object[] { services })!;

    /// <summary>"name -> handler" for every registration, in registry order.</summary>
    public string[] DescribeRegistrations() => Registry.Registrations.Select(r => r.Name + " -> " + r.HandlerName).ToArray();

    public void Dispose() => _context.Unload();
}
