namespace HttpUpgrade.Generators;

/// <summary>What the generator needs from the compilation: values that an ordinary edit leaves unchanged.</summary>
/// <param name="AssemblyName">The assembly whose handlers are registered, as written in doc comments.</param>
/// <param name="Identifier">
/// The assembly name as a C# identifier (<c>Contoso.Chat</c> becomes <c>ContosoChat</c>): it names the registry
/// (<c>ContosoChatUpgradeRegistry</c>) and the method another assembly calls (<c>AddContosoChatUpgradeHandlers()</c>),
/// so that two assemblies never declare the same type.
/// </param>
/// <param name="HasDependencyInjection">Whether <c>IServiceCollection</c> is referenced, so <c>AddUpgradeHandlers()</c> can be emitted.</param>
/// <param name="HasServerServices">
/// Whether the ASP.NET Core adapter (<c>AddHttpUpgrade()</c>) is referenced, so the app's <c>AddUpgradeHandlers()</c>
/// registers the server side too and connection upgrades need no second call.
/// </param>
internal sealed record AssemblyModel(string AssemblyName, string Identifier, bool HasDependencyInjection, bool HasServerServices = false);

/// <summary>
/// A declaration of a class marked <c>[UpgradeProtocol]</c> that the generated registry can construct (a <c>partial</c>
/// class has one per part that carries attributes).
/// </summary>
/// <param name="TypeName">The fully qualified type name, <c>global::Ns.Outer.Inner</c>.</param>
/// <param name="DisplayName">The name shown in logs and messages, <c>Ns.Outer.Inner</c>.</param>
/// <param name="ConstructorParameters">The parameters of the one constructor the registry calls.</param>
/// <param name="Registrations">One registration per attribute of this declaration that is emitted, in source order.</param>
/// <param name="IsWebSocketHandler">Whether the class implements <c>IWebSocketHandler</c>: its <c>websocket</c> registrations hand it a WebSocket.</param>
/// <param name="IsUpgradeHandler">Whether the class implements <c>IUpgradeHandler</c>: its other registrations hand it the raw stream.</param>
internal sealed record HandlerModel(
    string TypeName,
    string DisplayName,
    EquatableArray<ConstructorParameterModel> ConstructorParameters,
    EquatableArray<RegistrationModel> Registrations,
    bool IsWebSocketHandler,
    bool IsUpgradeHandler);

/// <summary>One constructor parameter and how the factory obtains its argument.</summary>
/// <param name="TypeName">The fully qualified type to resolve, without a top-level nullable annotation.</param>
/// <param name="Source">Where the argument comes from.</param>
/// <param name="DefaultValue">The C# expression passed when the service is missing; set only for <see cref="ParameterSource.Optional"/>.</param>
/// <param name="SuppressNullWarning">
/// Whether the optional argument needs <c>!</c>: the parameter is a non-nullable reference type, which the declared default keeps non-null.
/// </param>
internal sealed record ConstructorParameterModel(string TypeName, ParameterSource Source, string? DefaultValue, bool SuppressNullWarning);

/// <summary>Where a generated factory takes a constructor argument from.</summary>
internal enum ParameterSource
{
    /// <summary>A registered service; resolving fails when it is missing.</summary>
    Required,

    /// <summary>A registered service, or the parameter's default value.</summary>
    Optional,

    /// <summary>The request's <c>IServiceProvider</c> itself.</summary>
    ServiceProvider,
}

/// <summary>
/// One <c>[UpgradeProtocol]</c> attribute whose name, versions and subprotocols are all valid and whose name does not
/// mean HTTP/2 or HTTP/3.
/// </summary>
/// <param name="Name">The protocol name, an RFC 9110 token.</param>
/// <param name="Versions">The accepted versions in the attribute's order.</param>
/// <param name="SubProtocols">The WebSocket subprotocols in the attribute's order.</param>
internal sealed record RegistrationModel(string Name, EquatableArray<string> Versions, EquatableArray<string> SubProtocols);

/// <summary>
/// One row of the generated registry: a registration with the handler it constructs. The registry's rows are kept in
/// dispatch order, so a change in declaration order alone leaves them equal and re-emits nothing.
/// </summary>
/// <param name="Key">The protocol name in lower case: rows with the same key form one <c>Match</c> range.</param>
/// <param name="Registration">The registration as declared.</param>
/// <param name="Handler">The handler the registration constructs.</param>
internal sealed record RegistryEntryModel(string Key, RegistrationModel Registration, HandlerModel Handler);
