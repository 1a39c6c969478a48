namespace HttpUpgrade.Generators;

/// <summary>Names of the incremental steps, so tests can assert which of them re-ran after an edit.</summary>
internal static class TrackingNames
{
    /// <summary>One model per class marked <c>[UpgradeProtocol]</c>, null when the class cannot be emitted.</summary>
    public const string Handlers = nameof(Handlers);

    /// <summary>The handler models that can be emitted.</summary>
    public const string ValidHandlers = nameof(ValidHandlers);

    /// <summary>Every handler model of the compilation, as one array.</summary>
    public const string AllHandlers = nameof(AllHandlers);

    /// <summary>The little the generator needs from the compilation itself.</summary>
    public const string CompilationModel = nameof(CompilationModel);

    /// <summary>The handlers together with the compilation model: the emitter's input.</summary>
    public const string GeneratorInput = nameof(GeneratorInput);
}
