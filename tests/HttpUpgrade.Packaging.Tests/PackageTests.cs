using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Threading.Tasks;
using System.Xml.Linq;
using HttpUpgrade.Packaging.Tests.Infrastructure;
using HttpUpgrade.Testing;
using Xunit;
using Xunit.Abstractions;

namespace HttpUpgrade.Packaging.Tests;

/// <summary>
/// One package, <c>HttpUpgrade</c>, carries the runtime and, under analyzers/dotnet/cs, the generator and analyzers;
/// <c>HttpUpgrade.AspNetCore</c> depends on it. A fresh app and class library built from a folder feed upgrade.
/// </summary>
[Collection(DotnetCollection.Name)]
public sealed partial class PackageTests(PackedFeed feed, ITestOutputHelper log)
{
    private static readonly TimeSpan s_buildTimeout = TimeSpan.FromMinutes(10);

    // Roslyn 4.14 is the newest the generator and analyzers may reference: a newer one fails to load in older compilers.
    private static readonly Version s_newestRoslyn = new(4, 14, 0, 0);

    [Fact]
    public void HttpUpgradeHoldsTheRuntimeAndEveryRoslynComponent()
    {
        log.WriteLine($"dotnet pack (the library's two packages and the templates): {feed.PackDuration.TotalSeconds:F0} s");
        using ZipArchive package = ZipFile.OpenRead(feed.HttpUpgradePackage);

        Assert.Equal(
            new[]
            {
                "README.md",
                "analyzers/dotnet/cs/HttpUpgrade.Analyzers.CodeFixes.dll",
                "analyzers/dotnet/cs/HttpUpgrade.Analyzers.dll",
                "analyzers/dotnet/cs/HttpUpgrade.Generators.dll",
                "lib/net10.0/HttpUpgrade.dll",
                "lib/net10.0/HttpUpgrade.xml",
            },
            Contents(package));
        XElement metadata = Metadata(package);
        Assert.Equal("HttpUpgrade", Value(metadata, "id"));
        Assert.Equal(feed.Version, Value(metadata, "version"));
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");

        foreach (ZipArchiveEntry component in package.Entries.Where(e => e.FullName.StartsWith("analyzers/", StringComparison.Ordinal)))
        {
            (string framework, Version? roslyn) = Inspect(component);
            Assert.Equal(".NETStandard,Version=v2.0", framework);
            Assert.True(roslyn is not null && roslyn <= s_newestRoslyn, $"{component.FullName} references Microsoft.CodeAnalysis {roslyn}.");
        }
    }

    [Fact]
    public void HttpUpgradeAspNetCoreDependsOnHttpUpgradeAnalyzersIncluded()
    {
        using ZipArchive package = ZipFile.OpenRead(feed.AspNetCorePackage);

        Assert.Equal(new[] { "README.md", "lib/net10.0/HttpUpgrade.AspNetCore.dll", "lib/net10.0/HttpUpgrade.AspNetCore.xml" }, Contents(package));
        XElement metadata = Metadata(package);
        XElement dependency = Assert.Single(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        Assert.Equal("HttpUpgrade", (string?)dependency.Attribute("id"));
        Assert.Equal(feed.Version, (string?)dependency.Attribute("version"));

        // NuGet's default for a project reference would exclude "Analyzers": the generator would not reach the app.
        Assert.DoesNotContain("Analyzers", (string?)dependency.Attribute("exclude") ?? string.Empty, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(
            "Microsoft.AspNetCore.App",
            (string?)Assert.Single(metadata.Descendants(), e => e.Name.LocalName == "frameworkReference").Attribute("name"));
    }

    [Fact]
    public async Task AFreshAppAndClassLibraryBuildFromTheFeedAndUpgrade()
    {
        using var workspace = new Workspace("consumer");
        WriteConsumer(workspace);
        var environment = new Dictionary<string, string>
        {
            // A package folder of its own: nothing cached from another build of HttpUpgrade can be picked up.
            ["NUGET_PACKAGES"] = Path.Combine(workspace.Root, "packages"),
        };

        ProcessResult restore = await Dotnet.RunAsync(
            workspace.Root,
            new[] { "restore", "App/App.csproj", "--configfile", "NuGet.config", "--disable-build-servers", "-nologo" },
            s_buildTimeout,
            environment);
        Assert.True(restore.ExitCode == 0, "dotnet restore failed:\n" + restore.Output);
        ProcessResult build = await Dotnet.RunAsync(
            workspace.Root,
            new[] { "build", "App/App.csproj", "-c", "Release", "--no-restore", "--disable-build-servers", "-nologo", "-p:UseSharedCompilation=false" },
            s_buildTimeout,
            environment);
        log.WriteLine($"fresh app and library: restore {restore.Duration.TotalSeconds:F0} s, build {build.Duration.TotalSeconds:F0} s");
        Assert.True(build.ExitCode == 0, "dotnet build failed:\n" + build.Output);

        // The packaged analyzers (internal types, which Roslyn creates by reflection) ran: Program.cs has an UPG008.
        Assert.Matches(@"Program\.cs\(25,\d+\): warning UPG008", build.Output);

        // The app references only HttpUpgrade.AspNetCore; the generator and analyzers reach it through HttpUpgrade.
        foreach (string project in new[] { "App", "Contoso.Greetings" })
        {
            string assets = File.ReadAllText(Path.Combine(workspace.Root, project, "obj", "project.assets.json"));
            foreach (string component in new[] { "HttpUpgrade.Generators.dll", "HttpUpgrade.Analyzers.dll", "HttpUpgrade.Analyzers.CodeFixes.dll" })
            {
                Assert.Contains($"analyzers/dotnet/cs/{component}", assets, StringComparison.Ordinal);
            }

            Assert.Contains($"\"HttpUpgrade/{feed.Version}\"", assets, StringComparison.Ordinal);
        }

        // What a user finds under obj/ with EmitCompilerGeneratedFiles: each assembly's own registry.
        Assert.Contains("public sealed class AppUpgradeRegistry", GeneratedRegistry(workspace, "App"), StringComparison.Ordinal);
        Assert.Contains("public sealed class ContosoGreetingsUpgradeRegistry", GeneratedRegistry(workspace, "Contoso.Greetings"), StringComparison.Ordinal);

        string output = Path.Combine(workspace.Root, "App", "bin", "Release", "net10.0");
        await using ServerProcess server = await ServerProcess.StartAsync(Dotnet.Executable, output, Path.Combine(output, "App.dll"));

        (string head, string body) = await UpgradeClient.RawAsync(server.Address, "/upgrade", "echo/1", "ping");
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols", head, StringComparison.Ordinal);
        Assert.Equal("ping", body);

        (string? subProtocol, string message) = await UpgradeClient.WebSocketAsync(server.Address, "/upgrade", "greeting.v1", send: null);
        Assert.Equal("greeting.v1", subProtocol);
        Assert.Equal("hello from Contoso.Greetings", message);
    }

    private void WriteConsumer(Workspace workspace)
    {
        workspace.Write("NuGet.config", feed.NuGetConfig());
        workspace.Write("Contoso.Greetings/Contoso.Greetings.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <PackageReference Include="HttpUpgrade" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        workspace.Write("Contoso.Greetings/GreetingHandler.cs", """
            using System.Net.WebSockets;
            using System.Text;
            using HttpUpgrade;

            namespace Contoso.Greetings;

            /// <summary>The greeting every connection gets.</summary>
            public sealed class Greeter
            {
                /// <summary>The text of the greeting.</summary>
                public string Text => "hello from Contoso.Greetings";
            }

            /// <summary>Greets, then waits for the client to close.</summary>
            [UpgradeProtocol("websocket", SubProtocols = "greeting.v1")]
            public sealed class GreetingHandler(Greeter greeter) : IWebSocketHandler
            {
                /// <inheritdoc />
                public async Task OnConnectedAsync(WebSocket socket, UpgradeContext context, CancellationToken aborted)
                {
                    await socket.SendAsync(Encoding.UTF8.GetBytes(greeter.Text), WebSocketMessageType.Text, endOfMessage: true, aborted);
                    var buffer = new byte[1024];
                    while ((await socket.ReceiveAsync(buffer, aborted)).MessageType != WebSocketMessageType.Close)
                    {
                    }

                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", aborted);
                }
            }
            """);
        workspace.Write("App/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
                <WarningsNotAsErrors>UPG008</WarningsNotAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="HttpUpgrade.AspNetCore" Version="{feed.Version}" />
                <ProjectReference Include="../Contoso.Greetings/Contoso.Greetings.csproj" />
              </ItemGroup>
            </Project>
            """);
        workspace.Write("App/Program.cs", """
            using Contoso.Greetings;
            using HttpUpgrade;

            var builder = WebApplication.CreateSlimBuilder(args);
            builder.Services.AddSingleton<Greeter>();
            builder.Services.AddUpgradeHandlers();                  // this assembly's handlers
            builder.Services.AddContosoGreetingsUpgradeHandlers();  // the class library's
            var app = builder.Build();
            app.MapUpgrade("/upgrade");
            app.Run();

            [UpgradeProtocol("echo", Versions = "1")]
            public sealed class EchoHandler : IUpgradeHandler
            {
                public Task HandleAsync(UpgradeContext context, CancellationToken aborted)
                    => context.Transport.CopyToAsync(context.Transport, aborted);
            }

            // Never sent: HTTP/2 has no Upgrade header, which the packaged analyzers report (UPG008).
            internal static class Http2Requests
            {
                public static HttpRequestMessage WithUpgradeHeader()
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, "http://localhost/") { Version = System.Net.HttpVersion.Version20 };
                    request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
                    return request;
                }
            }
            """);
    }

    private static string GeneratedRegistry(Workspace workspace, string project)
        => File.ReadAllText(Path.Combine(
            workspace.Root, project, "obj", "Release", "net10.0", "generated",
            "HttpUpgrade.Generators", "HttpUpgrade.Generators.UpgradeProtocolGenerator", "UpgradeHandlerRegistry.g.cs"));

    private static string[] Contents(ZipArchive package)
        => package.Entries
            .Select(e => e.FullName)
            .Where(name => !name.StartsWith("_rels/", StringComparison.Ordinal)
                && !name.StartsWith("package/", StringComparison.Ordinal)
                && name != "[Content_Types].xml"
                && !name.EndsWith(".nuspec", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static XElement Metadata(ZipArchive package)
    {
        using Stream nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }

    private static string? Value(XElement metadata, string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

    // The target framework an assembly was built for, and the Microsoft.CodeAnalysis version it references.
    private static (string Framework, Version? Roslyn) Inspect(ZipArchiveEntry assembly)
    {
        var image = new MemoryStream();
        using (Stream stream = assembly.Open())
        {
            stream.CopyTo(image);
        }

        image.Position = 0;
        using var pe = new PEReader(image);
        MetadataReader reader = pe.GetMetadataReader();
        Version? roslyn = reader.AssemblyReferences
            .Select(reader.GetAssemblyReference)
            .Where(reference => reader.GetString(reference.Name) == "Microsoft.CodeAnalysis")
            .Select(reference => reference.Version)
            .SingleOrDefault();
        string framework = reader.GetAssemblyDefinition().GetCustomAttributes()
            .Select(reader.GetCustomAttribute)
            .Where(attribute => AttributeName(reader, attribute) == "System.Runtime.Versioning.TargetFrameworkAttribute")
            .Select(attribute => attribute.DecodeValue(new StringOnlyDecoder()).FixedArguments[0].Value as string)
            .Single() ?? string.Empty;
        return (framework, roslyn);
    }

    private static string AttributeName(MetadataReader reader, CustomAttribute attribute)
    {
        EntityHandle type = attribute.Constructor.Kind == HandleKind.MemberReference
            ? reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent
            : reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        return type.Kind == HandleKind.TypeReference
            ? reader.GetString(reader.GetTypeReference((TypeReferenceHandle)type).Namespace) + "." + reader.GetString(reader.GetTypeReference((TypeReferenceHandle)type).Name)
            : reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)type).Namespace) + "." + reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)type).Name);
    }

    // TargetFrameworkAttribute's arguments are strings; nothing else needs decoding.
    private sealed class StringOnlyDecoder : ICustomAttributeTypeProvider<Type>
    {
        public Type GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode == PrimitiveTypeCode.String ? typeof(string) : typeof(object);

        public Type GetSystemType() => typeof(Type);

        public Type GetSZArrayType(Type elementType) => elementType.MakeArrayType();

        public Type GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => typeof(object);

        public Type GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => typeof(object);

        public Type GetTypeFromSerializedName(string name) => typeof(object);

        public PrimitiveTypeCode GetUnderlyingEnumType(Type type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(Type type) => type == typeof(Type);
    }
}
