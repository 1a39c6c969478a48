"""RFC 2817 from Python's own TLS stack: upgrade a plain HTTP/1.1 connection to TLS, then read the answer over TLS.

usage: tls_upgrade.py PORT REQUEST_TARGET METHOD [pipelined]
With "pipelined", the ClientHello goes in the same write as the request head (RFC 2817 allows the client to start TLS
as soon as it has sent the request, so a server must keep those bytes for TLS). Prints the 101's status line and
Upgrade field, the TLS version, and the first response received over TLS.
"""
import socket
import ssl
import sys

port, target, method = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pipelined = len(sys.argv) > 4 and sys.argv[4] == "pipelined"
head = f"{method} {target} HTTP/1.1\r\nHost: localhost\r\nUpgrade: TLS/1.2\r\nConnection: Upgrade\r\n\r\n".encode()

context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
tls = context.wrap_bio(incoming, outgoing, server_hostname="localhost")

sock = socket.create_connection(("127.0.0.1", port), timeout=10)
if pipelined:
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    sock.sendall(head + outgoing.read())
else:
    sock.sendall(head)

received = b""
while b"\r\n\r\n" not in received:
    chunk = sock.recv(4096)
    if not chunk:
        print("closed before the 101")
        sys.exit(1)
    received += chunk
response_head, rest = received.split(b"\r\n\r\n", 1)
lines = response_head.decode("latin-1").split("\r\n")
print(lines[0])
print(next((line for line in lines if line.lower().startswith("upgrade:")), "no Upgrade field"))
incoming.write(rest)


def pump():
    data = outgoing.read()
    if data:
        sock.sendall(data)
    chunk = sock.recv(65536)
    if not chunk:
        raise ConnectionError("the server closed the connection")
    incoming.write(chunk)


while True:
    try:
        tls.do_handshake()
        break
    except ssl.SSLWantReadError:
        pump()
sock.sendall(outgoing.read())
print(tls.version())

answer = b""
while b"\r\n\r\n" not in answer:
    try:
        answer += tls.read(65536)
    except ssl.SSLWantReadError:
        pump()
print(answer.decode("latin-1").split("\r\n")[0])
