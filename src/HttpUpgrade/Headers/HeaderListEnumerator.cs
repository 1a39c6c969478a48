using System;

namespace HttpUpgrade;

/// <summary>
/// Walks the elements of a comma-separated list field (RFC 9110 §5.6.1) across every field line of one header, in order,
/// without allocating. Elements are trimmed of OWS; empty elements ("a, , b") are skipped, as §5.6.1 requires of recipients.
/// Quoted strings are not interpreted: the lists read with it (Connection, Upgrade, Sec-WebSocket-Protocol) hold only tokens.
/// </summary>
internal ref struct HeaderListEnumerator<TRequest>
    where TRequest : IUpgradeRequest
{
    private readonly TRequest _request;
    private readonly UpgradeRequestHeader _header;
    private readonly int _lineCount;
    private int _line;
    private ReadOnlySpan<char> _rest;
    private bool _inLine;

    public HeaderListEnumerator(TRequest request, UpgradeRequestHeader header)
    {
        _request = request;
        _header = header;
        _lineCount = request.GetFieldLineCount(header);
        _line = -1;
        _rest = default;
        _inLine = false;
        Current = default;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    public readonly HeaderListEnumerator<TRequest> GetEnumerator() => this;

    public bool MoveNext()
    {
        while (true)
        {
            if (!_inLine)
            {
                if (++_line >= _lineCount)
                {
                    return false;
                }

                _rest = _request.GetFieldLine(_header, _line);
                _inLine = true;
            }

            if (_rest.IsEmpty)
            {
                _inLine = false;
                continue;
            }

            int comma = _rest.IndexOf(',');
            ReadOnlySpan<char> element;
            if (comma < 0)
            {
                element = _rest;
                _rest = default;
                _inLine = false;
            }
            else
            {
                element = _rest.Slice(0, comma);
                _rest = _rest.Slice(comma + 1);
            }

            element = HttpTokenGrammar.TrimWhitespace(element);
            if (!element.IsEmpty)
            {
                Current = element;
                return true;
            }
        }
    }
}
