using System.Collections.Generic;
using System.Globalization;

namespace HttpUpgrade.Generators;

internal sealed partial class UpgradeProtocolGenerator
{
    // The registry's Match method: a switch on the name's length, then one comparison per name of that length.
    internal static partial class Emitter
    {
        private static void WriteMatch(SourceWriter writer, EquatableArray<RegistryEntryModel> entries)
        {
            // Ranges of rows that share a name, grouped by the name's length for the switch.
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

            writer.WriteLine("/// <inheritdoc />");
            writer.WriteLine($"public {RegistrationSpanTypeName} Match(global::System.ReadOnlySpan<char> name)");
            writer.OpenBlock();
            writer.WriteLine("// The length picks the candidates, then OrdinalIgnoreCase compares the name, as Kestrel's generated header lookup");
            writer.WriteLine("// does: exact for tokens (it folds ASCII letters only), and measured as fast as a compare per character, which the");
            writer.WriteLine("// JIT turns into the same letter-masked compares a word at a time, in less code (docs/generator.md, Dispatch).");
            writer.WriteLine("switch (name.Length)");
            writer.OpenBlock();
            foreach (KeyValuePair<int, List<(string Name, int Start, int Count)>> length in rangesByLength)
            {
                writer.WriteLine($"case {length.Key.ToString(CultureInfo.InvariantCulture)}:");
                writer.Indent();
                for (int i = 0; i < length.Value.Count; i++)
                {
                    (string name, int start, int count) = length.Value[i];
                    if (i > 0)
                    {
                        writer.WriteLine();
                    }

                    WriteNameTest(writer, name);
                    writer.OpenBlock();
                    writer.WriteLine($"return new {RegistrationSpanTypeName}(s_registrations, {start.ToString(CultureInfo.InvariantCulture)}, {count.ToString(CultureInfo.InvariantCulture)});");
                    writer.CloseBlock();
                }

                writer.WriteLine("break;");
                writer.Unindent();
            }

            writer.CloseBlock();
            writer.WriteLine();
            writer.WriteLine("return default;");
            writer.CloseBlock();
        }

        // if (global::System.MemoryExtensions.Equals(name, "echo", global::System.StringComparison.OrdinalIgnoreCase))
        private static void WriteNameTest(SourceWriter writer, string lowerCaseName) =>
            writer.WriteLine($"if (global::System.MemoryExtensions.Equals(name, {Literal(lowerCaseName)}, global::System.StringComparison.OrdinalIgnoreCase))");
    }
}
