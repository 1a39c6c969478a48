using System;

namespace HttpUpgrade.Benchmarks;

/// <summary>A request head held as pre-built strings, as a host's header table holds them.</summary>
public readonly struct BenchmarkRequest : IUpgradeRequest
{
    private readonly string[]?[] _fields;

    public BenchmarkRequest(string method, params (UpgradeRequestHeader Header, string Value)[] fields)
    {
        Method = method;
        _fields = new string[]?[Enum.GetValues<UpgradeRequestHeader>().Length];
        foreach ((UpgradeRequestHeader header, string value) in fields)
        {
            string[]? existing = _fields[(int)header];
            _fields[(int)header] = existing is null ? [value] : [.. existing, value];
        }
    }

    public string Method { get; }

    public UpgradeHttpVersion HttpVersion => UpgradeHttpVersion.Http11;

    public int GetFieldLineCount(UpgradeRequestHeader header) => _fields[(int)header]?.Length ?? 0;

    public ReadOnlySpan<char> GetFieldLine(UpgradeRequestHeader header, int index) => _fields[(int)header]![index];
}
