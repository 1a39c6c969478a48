namespace HttpUpgrade.Generators;

/// <summary>Names of the incremental steps, so tests can assert which of them re-ran after an edit.</summary>
internal static class TrackingNames
{
    /// <summary>One model per declaration of a class marked <c>[UpgradeProtocol]</c> with the registrations written on it, null when none can be emitted.</summary>
    public const string Handlers = nameof(Handlers);

    /// <summary>The handler declarations that can be emitted.</summary>
    public const string ValidHandlers = nameof(ValidHandlers);

    /// <summary>Every handler declaration of the compilation, as one array in declaration order.</summary>
    public const string AllHandlers = nameof(AllHandlers);

    /// <summary>The registry's rows in dispatch order: unchanged when only the declaration order changed.</summary>
    public const string RegistryEntries = nameof(RegistryEntries);

    /// <summary>The little the generator needs from the compilation itself: the assembly name and whether DI is referenced.</summary>
    public const string Assembly = nameof(Assembly);

    /// <summary>The registry's rows together with the assembly: the registry file's input.</summary>
    public const string RegistryInput = nameof(RegistryInput);

    /// <summary>Whether the assembly has a handler at all.</summary>
    public const string HasHandlers = nameof(HasHandlers);

    /// <summary>Whether there are handlers, together with the assembly: the dependency injection file's input.</summary>
    public const string ServiceCollectionExtensionsInput = nameof(ServiceCollectionExtensionsInput);
}
