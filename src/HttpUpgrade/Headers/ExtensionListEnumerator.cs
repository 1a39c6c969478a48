using System;

namespace HttpUpgrade;

/// <summary>
/// Walks the elements of <c>Sec-WebSocket-Extensions</c> (RFC 6455 §9.1) across every field line, in order, without
/// allocating. Unlike <see cref="HeaderListEnumerator{TRequest}"/> it honours quoted-strings, whose content may hold a
/// comma: an extension parameter's value may be a quoted-string. Each character is looked at once; an unterminated
/// quoted-string ends with its field line. Elements are trimmed of OWS; empty ones are skipped (RFC 9110 §5.6.1).
/// </summary>
internal ref struct ExtensionListEnumerator<TRequest>
    where TRequest : IUpgradeRequest
{
    private readonly TRequest _request;
    private readonly int _lineCount;
    private int _line;
    private ReadOnlySpan<char> _rest;
    private bool _inLine;

    public ExtensionListEnumerator(TRequest request)
    {
        _request = request;
        _lineCount = request.GetFieldLineCount(UpgradeRequestHeader.SecWebSocketExtensions);
        _line = -1;
        _rest = default;
        _inLine = false;
        Current = default;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    public readonly ExtensionListEnumerator<TRequest> GetEnumerator() => this;

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

                _rest = _request.GetFieldLine(UpgradeRequestHeader.SecWebSocketExtensions, _line);
                _inLine = true;
            }

            if (_rest.IsEmpty)
            {
                _inLine = false;
                continue;
            }

            int end = IndexOfSeparator(_rest);
            ReadOnlySpan<char> element;
            if (end < 0)
            {
                element = _rest;
                _rest = default;
                _inLine = false;
            }
            else
            {
                element = _rest.Slice(0, end);
                _rest = _rest.Slice(end + 1);
            }

            element = HttpTokenGrammar.TrimWhitespace(element);
            if (!element.IsEmpty)
            {
                Current = element;
                return true;
            }
        }
    }

    /// <summary>The index of the first comma outside a quoted-string (RFC 9110 §5.6.4), or -1.</summary>
    private static int IndexOfSeparator(ReadOnlySpan<char> value)
    {
        bool quoted = false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (quoted)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                return i;
            }
        }

        return -1;
    }
}
