using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    /// <summary>Writes the registry and, when dependency injection is referenced, the methods that register it.</summary>
    internal static partial class Emitter
    {
        public const string RegistryHintName = "UpgradeHandlerRegistry.g.cs";
        public const string ServiceCollectionExtensionsHintName = "UpgradeHandlersServiceCollectionExtensions.g.cs";

        private const string GeneratedNamespace = "HttpUpgrade.Generated";
        private const string RegistryInterfaceName = "global::HttpUpgrade.IUpgradeRegistry";
        private const string RegistrationTypeName = "global::HttpUpgrade.UpgradeRegistration";
        private const string WebSocketRegistrationTypeName = "global::HttpUpgrade.WebSocketHandlerRegistration";
        private const string StreamRegistrationTypeName = "global::HttpUpgrade.UpgradeHandlerRegistration";
        private const string RegistrationSpanTypeName = "global::System.ReadOnlySpan<" + RegistrationTypeName + ">";
        private const string ServiceCollectionTypeName = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";

        private static readonly string s_generatedCodeAttribute =
            "[global::System.CodeDom.Compiler.GeneratedCode(\"HttpUpgrade.Generators\", \""
            + (typeof(UpgradeProtocolGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0")
            + "\")]";

        /// <summary>The registry's class name, <c>ContosoChatUpgradeRegistry</c> for assembly <c>Contoso.Chat</c>.</summary>
        public static string RegistryClassName(AssemblyModel assembly) => assembly.Identifier + "UpgradeRegistry";

        /// <summary>The method another assembly calls, <c>AddContosoChatUpgradeHandlers</c> for assembly <c>Contoso.Chat</c>.</summary>
        public static string AddMethodName(AssemblyModel assembly) => "Add" + assembly.Identifier + "UpgradeHandlers";

        /// <summary>
        /// Flattens the handlers into registry rows in dispatch order. Rows that share a name (case-insensitively) are
        /// adjacent so that <c>Match</c> returns them as one range; within a name, registrations that list versions come
        /// before those that accept any version, then handlers in ordinal order of their type name. The order is total over
        /// everything that is written, so the output does not depend on declaration order.
        /// </summary>
        public static EquatableArray<RegistryEntryModel> CreateEntries(ImmutableArray<HandlerModel> handlers)
        {
            var entries = new List<RegistryEntryModel>();
            foreach (HandlerModel handler in handlers)
            {
                foreach (RegistrationModel registration in handler.Registrations)
                {
                    // Tokens are ASCII (RFC 9110 §5.6.2), so the invariant lower case is the ASCII one.
                    entries.Add(new RegistryEntryModel(registration.Name.ToLowerInvariant(), registration, handler));
                }
            }

            entries.Sort(static (x, y) =>
            {
                int order = string.CompareOrdinal(x.Key, y.Key);
                if (order == 0)
                {
                    order = (x.Registration.Versions.Count == 0).CompareTo(y.Registration.Versions.Count == 0);
                }

                if (order == 0)
                {
                    order = string.CompareOrdinal(x.Handler.TypeName, y.Handler.TypeName);
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
            return new EquatableArray<RegistryEntryModel>(entries.ToArray());
        }

        public static void EmitRegistry(SourceProductionContext context, EquatableArray<RegistryEntryModel> entries, AssemblyModel assembly)
        {
            if (entries.Count == 0)
            {
                return;
            }

            context.CancellationToken.ThrowIfCancellationRequested();
            context.AddSource(RegistryHintName, SourceText.From(WriteRegistry(entries, assembly), Encoding.UTF8));
        }

        public static void EmitServiceCollectionExtensions(SourceProductionContext context, bool hasHandlers, AssemblyModel assembly)
        {
            if (!hasHandlers || !assembly.HasDependencyInjection)
            {
                return;
            }

            context.AddSource(ServiceCollectionExtensionsHintName, SourceText.From(WriteServiceCollectionExtensions(assembly), Encoding.UTF8));
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

        private static string WriteRegistry(EquatableArray<RegistryEntryModel> entries, AssemblyModel assembly)
        {
            string className = RegistryClassName(assembly);
            string typeName = "global::" + GeneratedNamespace + "." + className;
            string assemblyName = EscapeXml(assembly.AssemblyName);

            var writer = new SourceWriter();
            WriteHeader(writer);
            writer.WriteLine("#pragma warning disable CS0612, CS0618 // Registering an [Obsolete] handler is not a use of it to warn about.");
            writer.WriteLine();
            writer.WriteLine("namespace " + GeneratedNamespace);
            writer.OpenBlock();
            writer.WriteLine("/// <summary>");
            writer.WriteLine($"/// The upgrade handlers of assembly '{assemblyName}': one registration per <c>[UpgradeProtocol]</c> attribute, each");
            writer.WriteLine("/// with a factory that calls the handler's constructor directly.");
            writer.WriteLine("/// </summary>");
            writer.WriteLine("/// <remarks>");
            writer.WriteLine($"/// In assembly '{assemblyName}', <c>services.AddUpgradeHandlers()</c> registers it; an assembly that references this one");
            writer.WriteLine($"/// calls <c>services.{AddMethodName(assembly)}()</c>. Both are generated when dependency injection is referenced.");
            writer.WriteLine("/// </remarks>");
            writer.WriteLine(s_generatedCodeAttribute);
            writer.WriteLine($"public sealed class {className} : {RegistryInterfaceName}");
            writer.OpenBlock();
            writer.WriteLine("// Rows that share a protocol name (case-insensitively) are adjacent, so Match returns them as one range;");
            writer.WriteLine("// within a name, registrations that list versions come first and those that accept any version last.");
            writer.WriteLine($"private static readonly {RegistrationTypeName}[] s_registrations = new {RegistrationTypeName}[]");
            writer.OpenBlock();
            for (int i = 0; i < entries.Count; i++)
            {
                WriteRegistration(writer, i, entries[i]);
            }

            writer.CloseBlock(";");
            writer.WriteLine();
            writer.WriteLine($"private {className}()");
            writer.OpenBlock();
            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("/// <summary>The registry; it keeps no state besides its registrations.</summary>");
            writer.WriteLine($"public static {typeName} Instance {{ get; }} = new {typeName}();");
            writer.WriteLine();
            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine($"public global::System.Collections.Generic.IReadOnlyList<{RegistrationTypeName}> Registrations => s_registrations;");
            writer.WriteLine();
            WriteMatch(writer, entries);
            writer.CloseBlock();
            writer.CloseBlock();
            return writer.ToString();
        }

        private static void WriteRegistration(SourceWriter writer, int index, RegistryEntryModel entry)
        {
            HandlerModel handler = entry.Handler;
            RegistrationModel registration = entry.Registration;
            string handlerName = Literal(handler.DisplayName);

            writer.WriteLine($"// [{index.ToString(CultureInfo.InvariantCulture)}] {Describe(registration)} -> {handler.DisplayName}");
            // The registration's type is the handler's contract, so a host never has to find out what the handler is: a
            // websocket registration of an IWebSocketHandler hands it a WebSocket, every other one the raw stream.
            bool receivesWebSocket = handler.IsWebSocketHandler && RegistrationRules.IsWebSocket(registration.Name);
            writer.WriteLine($"new {(receivesWebSocket ? WebSocketRegistrationTypeName : StreamRegistrationTypeName)}(");
            writer.Indent();
            writer.WriteLine(Literal(registration.Name) + ",");
            writer.WriteLine(StringArray(registration.Versions) + ",");
            writer.WriteLine(StringArray(registration.SubProtocols) + ",");
            writer.WriteLine($"typeof({handler.TypeName}),");
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

        // "websocket/13 (chat.v2, chat.v1)", "echo/1,2" or "echo (any version)": what a reader of the comment needs.
        private static string Describe(RegistrationModel registration)
        {
            var text = new StringBuilder(registration.Name);
            if (registration.Versions.Count == 0)
            {
                text.Append(" (any version)");
            }
            else
            {
                text.Append('/').Append(string.Join(",", registration.Versions));
            }

            if (registration.SubProtocols.Count > 0)
            {
                text.Append(" [").Append(string.Join(", ", registration.SubProtocols)).Append(']');
            }

            return text.ToString();
        }

        private static string Argument(ConstructorParameterModel parameter, string handlerName) => parameter.Source switch
        {
            ParameterSource.ServiceProvider => "services",
            ParameterSource.Optional =>
                $"global::HttpUpgrade.UpgradeServices.GetOptional<{parameter.TypeName}>(services, {parameter.DefaultValue})"
                + (parameter.SuppressNullWarning ? "!" : string.Empty),
            _ => $"global::HttpUpgrade.UpgradeServices.GetRequired<{parameter.TypeName}>(services, {handlerName})",
        };

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

        private static string EscapeXml(string value)
            => value.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("'", "&apos;");
    }
}
