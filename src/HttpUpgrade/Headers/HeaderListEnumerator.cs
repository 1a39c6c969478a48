using System;

namespace HttpUpgrade;

/// <summary>
/// Walks the elements of a comma-separated list field (RFC 9110 §5.6.1) across every field line of one header, in order,
/// without allocating. Elements are trimmed of OWS; empty elements ("a, , b") are skipped, as §5.6.1 requires of recipients.
/// </summary>
/// <remarks>
/// Quoted-strings are honoured only when asked for: <c>Sec-WebSocket-Extensions</c> (RFC 6455 §9.1) may carry a parameter
/// value as a quoted-string, whose content may hold a comma; an unterminated one ends with its field line. The other lists
/// read with it (<c>Connection</c>, <c>Upgrade</c>, <c>Sec-WebSocket-Protocol</c>) hold only tokens, and a quote there
/// is just a character that makes its element invalid. Each character is looked at once.
/// </remarks>
internal ref struct HeaderListEnumerator<TRequest>
    where TRequest : IUpgradeRequest
{
    private readonly TRequest _request;
    private readonly UpgradeRequestHeader _header;
    private readonly bool _quotedStrings;
    private readonly int _lineCount;
    private int _line;
    private ReadOnlySpan<char> _rest;
    private bool _inLine;

    public HeaderListEnumerator(TRequest request, UpgradeRequestHeader header, bool quotedStrings = false)
    {
        _request = request;
        _header = header;
        _quotedStrings = quotedStrings;
        _lineCount = request.GetFieldLineCount(header);
        _line = -1;
        _rest = default;
        _inLine = false;
        Current = default;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    /// <summary>How many empty elements (<c>a, , b</c>) were skipped so far.</summary>
    public int EmptyElements { get; private set; }

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

            int comma = _quotedStrings ? IndexOfCommaOutsideQuotes(_rest) : _rest.IndexOf(',');
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

            EmptyElements++;
        }
    }

    /// <summary>The index of the first comma outside a quoted-string (RFC 9110 §5.6.4), or -1.</summary>
    private static int IndexOfCommaOutsideQuotes(ReadOnlySpan<char> value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] == ',')
            {
                return i;
            }

            if (value[i] == '"')
            {
                i = QuotedString.End(value, i);
                if (i < 0)
                {
                    return -1;
                }

                i--;
            }
        }

        return -1;
    }
}
