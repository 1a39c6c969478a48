using System;

namespace HttpUpgrade.Generators.Tests;

internal static class RegistrationExtensions
{
    /// <summary>Runs the registration's typed factory, whichever contract it is for.</summary>
    public static object CreateHandler(this UpgradeRegistration registration, IServiceProvider services) => registration switch
    {
        WebSocketHandlerRegistration webSocket => webSocket.Factory(services),
        UpgradeHandlerRegistration stream => stream.Factory(services),
        _ => throw new InvalidOperationException("Unknown registration kind " + registration.GetType()),
    };
}
