using System;

namespace HttpUpgrade;

/// <summary>Service resolution for generated handler factories, without reflection.</summary>
public static class UpgradeServices
{
    /// <summary>Resolves a constructor argument of <paramref name="handlerName"/>, with a message that names both when it is missing.</summary>
    /// <exception cref="InvalidOperationException">No service of type <typeparamref name="T"/> is registered.</exception>
    public static T GetRequired<T>(IServiceProvider services, string handlerName)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(services);
        if (typeof(T) == typeof(IServiceProvider))
        {
            return (T)services;
        }

        return services.GetService(typeof(T)) is T service
            ? service
            : throw new InvalidOperationException(
                $"Unable to create upgrade handler '{handlerName}': no service of type '{typeof(T).FullName}' is registered. Register it, or make the constructor parameter optional.");
    }

    /// <summary>Resolves an optional constructor argument: the registered service, or <paramref name="fallback"/>.</summary>
    public static T? GetOptional<T>(IServiceProvider services, T? fallback)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.GetService(typeof(T)) is T service ? service : fallback;
    }
}
