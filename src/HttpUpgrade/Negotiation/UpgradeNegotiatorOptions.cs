using System;

namespace HttpUpgrade;

/// <summary>How an <see cref="UpgradeNegotiator"/> treats requests.</summary>
public sealed class UpgradeNegotiatorOptions
{
    private int _maxOffers = 8;

    /// <summary>
    /// When true (an upgrade-only endpoint such as <c>MapUpgrade</c>), a request that does not upgrade is answered
    /// <c>426 Upgrade Required</c> listing the registered protocols, instead of being ignored.
    /// </summary>
    public bool RequireUpgrade { get; set; }

    /// <summary>The most <c>Upgrade</c> elements read before the request is rejected with 400. Default 8.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1 or above 64.</exception>
    public int MaxOffers
    {
        get => _maxOffers;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            _maxOffers = value;
        }
    }
}
