using System.Collections;
using System.Collections.Generic;

namespace HttpUpgrade;

// The fields of a decision's response, in the order a host writes them.
public readonly partial struct UpgradeDecision
{
    /// <summary>The response fields of one <see cref="UpgradeDecision"/>, enumerated without allocating a collection.</summary>
    public readonly struct ResponseFieldCollection : IEnumerable<KeyValuePair<string, string>>
    {
        private readonly UpgradeDecision _decision;

        internal ResponseFieldCollection(UpgradeDecision decision) => _decision = decision;

        /// <summary>Starts the enumeration.</summary>
        public Enumerator GetEnumerator() => new(_decision);

        IEnumerator<KeyValuePair<string, string>> IEnumerable<KeyValuePair<string, string>>.GetEnumerator() => GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        /// <summary>Walks the fields in writing order, skipping those the decision does not call for.</summary>
        public struct Enumerator : IEnumerator<KeyValuePair<string, string>>
        {
            private readonly UpgradeDecision _decision;
            private int _field;

            internal Enumerator(UpgradeDecision decision)
            {
                _decision = decision;
                _field = -1;
                Current = default;
            }

            /// <inheritdoc />
            public KeyValuePair<string, string> Current { get; private set; }

            readonly object IEnumerator.Current => Current;

            /// <inheritdoc />
            public bool MoveNext()
            {
                while (++_field <= (int)Field.ContentLength)
                {
                    string? value = ValueOf((Field)_field, out string name);
                    if (value is not null)
                    {
                        Current = new KeyValuePair<string, string>(name, value);
                        return true;
                    }
                }

                Current = default;
                return false;
            }

            /// <inheritdoc />
            public void Reset()
            {
                _field = -1;
                Current = default;
            }

            /// <inheritdoc />
            public readonly void Dispose()
            {
            }

            private readonly string? ValueOf(Field field, out string name)
            {
                UpgradeDecision decision = _decision;
                bool rejected = decision.Outcome == UpgradeOutcome.Reject;
                switch (field)
                {
                    case Field.Connection:
                        name = "Connection";
                        return (decision.ConnectionUpgrade, decision.CloseConnection) switch
                        {
                            (true, true) => "Upgrade, close",
                            (true, false) => "Upgrade",
                            (false, true) => "close",
                            _ => null,
                        };
                    case Field.Upgrade:
                        name = "Upgrade";
                        return decision.Upgrade;
                    case Field.SecWebSocketAccept:
                        name = "Sec-WebSocket-Accept";
                        return decision.GetWebSocketAccept();
                    case Field.SecWebSocketProtocol:
                        name = "Sec-WebSocket-Protocol";
                        return decision.SubProtocol;
                    case Field.SecWebSocketExtensions:
                        name = "Sec-WebSocket-Extensions";
                        return decision.Deflate.IsNegotiated ? decision.Deflate.ToHeaderValue() : null;
                    case Field.SecWebSocketVersion:
                        name = "Sec-WebSocket-Version";
                        return decision.SecWebSocketVersion;
                    case Field.Allow:
                        name = "Allow";
                        return decision.Allow;
                    case Field.RetryAfter:
                        name = "Retry-After";
                        return decision.RetryAfterValue;
                    case Field.ContentType:
                        name = "Content-Type";
                        return rejected ? UpgradeResponses.PlainText : null;
                    default:
                        name = "Content-Length";
                        return rejected ? UpgradeResponses.ContentLength(decision.Reason) : null;
                }
            }

            private enum Field
            {
                Connection,
                Upgrade,
                SecWebSocketAccept,
                SecWebSocketProtocol,
                SecWebSocketExtensions,
                SecWebSocketVersion,
                Allow,
                RetryAfter,
                ContentType,
                ContentLength,
            }
        }
    }
}
