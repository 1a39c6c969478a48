using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using HttpUpgrade.Testing;
using Xunit;

namespace HttpUpgrade.Packaging.Tests.Infrastructure;

/// <summary>
/// What a NativeAOT publish of an HttpUpgrade app must show: no trim or AOT warning (IL2xxx, IL3xxx), a native binary
/// and no IL, and a binary that completes a WebSocket and a raw upgrade on a real socket.
/// </summary>
internal static partial class NativeAotApp
{
    /// <summary>Asserts that <paramref name="publish"/> produced a native <paramref name="appName"/> without warnings, and returns its path.</summary>
    public static string AssertPublished(ProcessResult publish, string publishDirectory, string appName)
    {
        Assert.True(publish.ExitCode == 0, "dotnet publish failed:\n" + publish.Output);
        string[] warnings = TrimOrAotWarning().Matches(publish.Output).Select(m => m.Value).Distinct().ToArray();
        Assert.True(warnings.Length == 0, $"{string.Join(", ", warnings)} in:\n{publish.Output}");
        Assert.Contains("Generating native code", publish.Output, StringComparison.Ordinal);

        string binary = Path.Combine(publishDirectory, OperatingSystem.IsWindows() ? appName + ".exe" : appName);
        Assert.True(File.Exists(binary), $"No native binary in {publishDirectory}.");
        Assert.False(File.Exists(Path.Combine(publishDirectory, appName + ".dll")), "The publish output holds IL, not a native binary.");
        return binary;
    }

    /// <summary>
    /// Starts <paramref name="binary"/> and checks the two upgrades the sample and the template both serve on /chat: a
    /// WebSocket chat (subprotocol chat.v1) whose messages reach the sender too, and the raw echo/1 token.
    /// </summary>
    public static async Task AssertChatAndEchoAsync(string binary, string publishDirectory)
    {
        await using ServerProcess server = await ServerProcess.StartAsync(binary, publishDirectory);

        (string? subProtocol, string message) = await UpgradeClient.WebSocketAsync(server.Address, "/chat", "chat.v1", send: "hello, room");
        Assert.Equal("chat.v1", subProtocol);
        Assert.Equal("hello, room", message);

        (string head, string body) = await UpgradeClient.RawAsync(server.Address, "/chat", "echo/1", "raw bytes after the head");
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols", head, StringComparison.Ordinal);
        Assert.Contains("Upgrade: echo/1", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("raw bytes after the head", body);
    }

    [GeneratedRegex(@"\bIL[23]\d{3}\b")]
    private static partial Regex TrimOrAotWarning();
}
