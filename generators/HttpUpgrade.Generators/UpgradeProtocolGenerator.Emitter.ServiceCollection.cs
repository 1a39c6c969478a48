namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    // The AddUpgradeHandlers() methods that register the assembly's registry with dependency injection.
    internal static partial class Emitter
    {
        private static string WriteServiceCollectionExtensions(AssemblyModel assembly)
        {
            string assemblyName = EscapeXml(assembly.AssemblyName);
            string registryTypeName = "global::" + GeneratedNamespace + "." + RegistryClassName(assembly);
            string addMethodName = AddMethodName(assembly);

            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine();
            writer.WriteLine("namespace Microsoft.Extensions.DependencyInjection");
            writer.OpenBlock();
            writer.WriteLine($"/// <summary>Registers the upgrade handlers of assembly '{assemblyName}' with dependency injection.</summary>");
            writer.WriteLine(s_generatedCodeAttribute);
            writer.WriteLine($"public static class {assembly.Identifier}UpgradeHandlersServiceCollectionExtensions");
            writer.OpenBlock();
            writer.WriteLine(assembly.HasServerServices
                ? $"/// <summary>Registers the upgrade handlers of this assembly, <see cref=\"{registryTypeName}\"/>, and the server side of HttpUpgrade (<c>AddHttpUpgrade()</c>); calling it again changes nothing.</summary>"
                : $"/// <summary>Registers the upgrade handlers of this assembly, <see cref=\"{registryTypeName}\"/>; calling it again changes nothing.</summary>");
            writer.WriteLine("/// <param name=\"services\">The service collection to add to.</param>");
            writer.WriteLine("/// <returns><paramref name=\"services\"/>, for chaining.</returns>");
            writer.WriteLine($"internal static {ServiceCollectionTypeName} AddUpgradeHandlers(this {ServiceCollectionTypeName} services)");
            writer.Indent();
            // With the ASP.NET Core adapter referenced, the app's one call also registers the server side (connection
            // upgrades: the re-entry endpoint and the negotiating middleware), so UseTlsUpgrade/UseH2cUpgrade need no other.
            writer.WriteLine(assembly.HasServerServices
                ? $"=> global::Microsoft.Extensions.DependencyInjection.HttpUpgradeServiceCollectionExtensions.AddHttpUpgrade({addMethodName}(services));"
                : $"=> {addMethodName}(services);");
            writer.Unindent();
            writer.WriteLine();
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// Registers the upgrade handlers of assembly '{assemblyName}', <see cref=\"{registryTypeName}\"/>: an app that");
            writer.WriteLine("/// references this assembly calls it next to its own <c>AddUpgradeHandlers()</c>. Calling it again changes nothing.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine("/// <param name=\"services\">The service collection to add to.</param>");
            writer.WriteLine("/// <returns><paramref name=\"services\"/>, for chaining.</returns>");
            writer.WriteLine($"public static {ServiceCollectionTypeName} {addMethodName}(this {ServiceCollectionTypeName} services)");
            writer.OpenBlock();
            writer.WriteLine("// TryAddEnumerable keeps the call idempotent; MapUpgrade composes every registered IUpgradeRegistry.");
            writer.WriteLine("global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddEnumerable(");
            writer.Indent();
            writer.WriteLine("services,");
            writer.WriteLine($"global::Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<{RegistryInterfaceName}>({registryTypeName}.Instance));");
            writer.Unindent();
            writer.WriteLine("return services;");
            writer.CloseBlock();
            writer.CloseBlock();
            writer.CloseBlock();
            return writer.ToString();
        }
    }
}
