namespace HttpUpgrade.Analyzers;

/// <summary>Keys and values of <c>Diagnostic.Properties</c>: what a code fix needs to know without re-analyzing.</summary>
internal static class DiagnosticProperties
{
    /// <summary>Which fix applies; absent when the diagnostic has no single right fix.</summary>
    public const string Fix = "Fix";

    /// <summary>UPG001: the name is a token once OWS around it is removed. <see cref="Name"/> holds the trimmed name.</summary>
    public const string TrimFix = "Trim";

    /// <summary>
    /// UPG001: the name is <c>name/version</c>. <see cref="Name"/> and <see cref="Version"/> hold the parts;
    /// <see cref="AddVersions"/> says whether <c>Versions</c> must be added or already lists the version.
    /// </summary>
    public const string SplitVersionFix = "SplitVersion";

    /// <summary>UPG004: add the interface named by <see cref="Interface"/> and stubs for its members.</summary>
    public const string AddInterfaceFix = "AddInterface";

    /// <summary>UPG003: the attribute adds nothing its class does not already register; remove it.</summary>
    public const string RemoveAttributeFix = "RemoveAttribute";

    public const string Name = "Name";

    public const string Version = "Version";

    public const string AddVersions = "AddVersions";

    /// <summary>The metadata name of the interface to add.</summary>
    public const string Interface = "Interface";
}
