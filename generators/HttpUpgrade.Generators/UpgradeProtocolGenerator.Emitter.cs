using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace HttpUpgrade.Generators;

public sealed partial class UpgradeProtocolGenerator
{
    /// <summary>Writes the registry and, when dependency injection is referenced, <c>AddUpgradeHandlers()</c>.</summary>
    internal static class Emitter
    {
        public const string RegistryHintName = "UpgradeHandlerRegistry.g.cs";
        public const string ServiceCollectionExtensionsHintName = "UpgradeHandlersServiceCollectionExtensions.g.cs";

        private const string RegistryTypeName = "global::HttpUpgrade.Generated.UpgradeHandlerRegistry";
        private const string RegistrationTypeName = "global::HttpUpgrade.UpgradeRegistration";
        private const string RegistrationSpanTypeName = "global::System.ReadOnlySpan<" + RegistrationTypeName + ">";
        private const string ServiceCollectionTypeName = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";

        private static readonly string s_generatedCodeAttribute =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"HttpUpgrade.Generators\", \""
            + (typeof(UpgradeProtocolGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0")
            + "\")]";

        public static void Emit(SourceProductionContext context, ImmutableArray<HandlerModel> handlers, CompilationModel compilation)
        {
            List<Entry> entries = Order(handlers);
            if (entries.Count == 0)
            {
                return;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource(RegistryHintName, SourceText.From(EmitRegistry(entries, compilation.AssemblyName), Encoding.UTF8));
            if (compilation.HasDependencyInjection)
            {
                context.AddSource(
                    ServiceCollectionExtensionsHintName,
                    SourceText.From(EmitServiceCollectionExtensions(compilation.AssemblyName), Encoding.UTF8));
            }
        }

        // Registrations sharing a name (case-insensitively) end up adjacent so that Match can return them as one range.
        // The order is total over everything that is written, so the output does not depend on declaration order.
        private static List<Entry> Order(ImmutableArray<HandlerModel> handlers)
        {
            var entries = new List<Entry>();
            foreach (HandlerModel handler in handlers)
            {
                for (int i = 0; i < handler.Registrations.Count; i++)
                {
                    RegistrationModel registration = handler.Registrations[i];
                    entries.Add(new Entry(registration.Name.ToLowerInvariant(), registration, handler, i));
                }
            }

            entries.Sort(static (x, y) =>
            {
                int order = string.CompareOrdinal(x.Key, y.Key);
                if (order == 0)
                {
                    order = string.CompareOrdinal(x.Handler.TypeName, y.Handler.TypeName);
                }

                if (order == 0)
                {
                    order = x.AttributeIndex.CompareTo(y.AttributeIndex);
                }

                if (order == 0)
                {
                    order = string.CompareOrdinal(x.Registration.Name, y.Registration.Name);
                }

                if (order == 0)
                {
                    order = CompareOrdinal(x.Registration.Versions, y.Registration.Versions);
                }

                if (order == 0)
                {
                    order = CompareOrdinal(x.Registration.SubProtocols, y.Registration.SubProtocols);
                }

                return order;
            });
            return entries;
        }

        private static int CompareOrdinal(EquatableArray<string> x, EquatableArray<string> y)
        {
            for (int i = 0; i < x.Count && i < y.Count; i++)
            {
                int order = string.CompareOrdinal(x[i], y[i]);
                if (order != 0)
                {
                    return order;
                }
            }

            return x.Count.CompareTo(y.Count);
        }

        private static string EmitRegistry(List<Entry> entries, string? assemblyName)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine("#pragma warning disable CS0612, CS0618 // Registering an [Obsolete] handler is not a use of it to warn about.");
            writer.WriteLine();
            writer.WriteLine("namespace HttpUpgrade.Generated");
            writer.OpenBlock();
            writer.WriteLine($"/// <summary>The upgrade handlers of assembly '{EscapeXml(assemblyName)}': every class marked <c>[UpgradeProtocol]</c>, matched by name length and a case-insensitive compare, constructed without reflection.</summary>");
            writer.WriteLine(s_generatedCodeAttribute);
            writer.WriteLine("internal sealed class UpgradeHandlerRegistry : global::HttpUpgrade.IUpgradeRegistry");
            writer.OpenBlock();
            writer.WriteLine($"public static {RegistryTypeName} Instance {{ get; }} = new {RegistryTypeName}();");
            writer.WriteLine();
            writer.WriteLine($"private static readonly {RegistrationTypeName}[] s_registrations = new {RegistrationTypeName}[]");
            writer.OpenBlock();
            for (int i = 0; i < entries.Count; i++)
            {
                WriteRegistration(writer, i, entries[i]);
            }

            writer.CloseBlock(";");
            writer.WriteLine();
            writer.WriteLine($"public global::System.Collections.Generic.IReadOnlyList<{RegistrationTypeName}> Registrations => s_registrations;");
            writer.WriteLine();
            WriteMatch(writer, entries);
            writer.CloseBlock();
            writer.CloseBlock();
            return writer.ToString();
        }

        private static void WriteRegistration(SourceWriter writer, int index, Entry entry)
        {
            HandlerModel handler = entry.Handler;
            RegistrationModel registration = entry.Registration;
            string handlerName = Literal(handler.DisplayName);

            writer.WriteLine($"// [{index.ToString(CultureInfo.InvariantCulture)}] {registration.Name} -> {handler.DisplayName}");
            writer.WriteLine($"new {RegistrationTypeName}(");
            writer.Indent();
            writer.WriteLine(Literal(registration.Name) + ",");
            writer.WriteLine(StringArray(registration.Versions) + ",");
            writer.WriteLine(StringArray(registration.SubProtocols) + ",");
            writer.WriteLine(handlerName + ",");
            if (handler.ConstructorParameters.Count == 0)
            {
                writer.WriteLine($"static services => new {handler.TypeName}()),");
            }
            else
            {
                writer.WriteLine($"static services => new {handler.TypeName}(");
                writer.Indent();
                for (int i = 0; i < handler.ConstructorParameters.Count; i++)
                {
                    string separator = i == handler.ConstructorParameters.Count - 1 ? "))," : ",";
                    writer.WriteLine(Argument(handler.ConstructorParameters[i], handlerName) + separator);
                }

                writer.Unindent();
            }

            writer.Unindent();
        }

        private static string Argument(ConstructorParameterModel parameter, string handlerName) => parameter.Source switch
        {
            ParameterSource.ServiceProvider => "services",
            ParameterSource.Optional =>
                $"global::HttpUpgrade.UpgradeServices.GetOptional<{parameter.TypeName}>(services, {parameter.DefaultValue})"
                + (parameter.SuppressNullWarning ? "!" : string.Empty),
            _ => $"global::HttpUpgrade.UpgradeServices.GetRequired<{parameter.TypeName}>(services, {handlerName})",
        };

        private static void WriteMatch(SourceWriter writer, List<Entry> entries)
        {
            // Ranges of registrations that share a name, grouped by the name's length for the switch.
            var rangesByLength = new SortedDictionary<int, List<(string Name, int Start, int Count)>>();
            for (int start = 0; start < entries.Count;)
            {
                string name = entries[start].Key;
                int end = start + 1;
                while (end < entries.Count && entries[end].Key == name)
                {
                    end++;
                }

                if (!rangesByLength.TryGetValue(name.Length, out List<(string, int, int)>? ranges))
                {
                    ranges = new List<(string, int, int)>();
                    rangesByLength.Add(name.Length, ranges);
                }

                ranges.Add((name, start, end - start));
                start = end;
            }

            writer.WriteLine($"public {RegistrationSpanTypeName} Match(global::System.ReadOnlySpan<char> name)");
            writer.OpenBlock();
            writer.WriteLine("switch (name.Length)");
            writer.OpenBlock();
            foreach (KeyValuePair<int, List<(string Name, int Start, int Count)>> length in rangesByLength)
            {
                writer.WriteLine($"case {length.Key.ToString(CultureInfo.InvariantCulture)}:");
                writer.Indent();
                foreach ((string name, int start, int count) in length.Value)
                {
                    writer.WriteLine($"if (global::System.MemoryExtensions.Equals(name, {Literal(name)}, global::System.StringComparison.OrdinalIgnoreCase))");
                    writer.OpenBlock();
                    writer.WriteLine($"return new {RegistrationSpanTypeName}(s_registrations, {start.ToString(CultureInfo.InvariantCulture)}, {count.ToString(CultureInfo.InvariantCulture)});");
                    writer.CloseBlock();
                }

                writer.WriteLine("break;");
                writer.Unindent();
            }

            writer.CloseBlock();
            writer.WriteLine("return default;");
            writer.CloseBlock();
        }

        private static string EmitServiceCollectionExtensions(string? assemblyName)
        {
            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine();
            writer.WriteLine("namespace Microsoft.Extensions.DependencyInjection");
            writer.OpenBlock();
            writer.WriteLine($"/// <summary>Registers the upgrade handlers of assembly '{EscapeXml(assemblyName)}' with dependency injection.</summary>");
            writer.WriteLine(s_generatedCodeAttribute);
            writer.WriteLine("internal static class UpgradeHandlersServiceCollectionExtensions");
            writer.OpenBlock();
            writer.WriteLine("/// <summary>Registers the upgrade handlers of this assembly as one <see cref=\"global::HttpUpgrade.IUpgradeRegistry\"/>; calling it again changes nothing.</summary>");
            writer.WriteLine("/// <param name=\"services\">The service collection to add to.</param>");
            writer.WriteLine("/// <returns><paramref name=\"services\"/>, for chaining.</returns>");
            writer.WriteLine($"public static {ServiceCollectionTypeName} AddUpgradeHandlers(this {ServiceCollectionTypeName} services)");
            writer.OpenBlock();
            writer.WriteLine("// TryAddEnumerable keeps the call idempotent; the Kestrel adapter composes every registered IUpgradeRegistry.");
            writer.WriteLine("global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddEnumerable(services,");
            writer.Indent();
            writer.WriteLine($"global::Microsoft.Extensions.DependencyInjection.ServiceDescriptor.Singleton<global::HttpUpgrade.IUpgradeRegistry>({RegistryTypeName}.Instance));");
            writer.Unindent();
            writer.WriteLine("return services;");
            writer.CloseBlock();
            writer.CloseBlock();
            writer.CloseBlock();
            return writer.ToString();
        }

        private static void WriteHeader(SourceWriter writer)
        {
            writer.WriteLine("// <auto-generated/>");
            writer.WriteLine("#nullable enable");
        }

        private static string StringArray(EquatableArray<string> values)
        {
            if (values.Count == 0)
            {
                return "global::System.Array.Empty<string>()";
            }

            var builder = new StringBuilder("new string[] { ");
            for (int i = 0; i < values.Count; i++)
            {
                builder.Append(i == 0 ? string.Empty : ", ").Append(Literal(values[i]));
            }

            return builder.Append(" }").ToString();
        }

        private static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

        private static string EscapeXml(string? value)
            => (value ?? string.Empty).Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("'", "&apos;");

        private readonly record struct Entry(string Key, RegistrationModel Registration, HandlerModel Handler, int AttributeIndex);
    }
}
