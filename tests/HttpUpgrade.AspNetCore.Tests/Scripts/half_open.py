#!/usr/bin/env python3
"""Opens COUNT connections to 127.0.0.1:PORT, each sending a WebSocket head that never ends, and keeps them open.

Prints "opened N SECONDS" once all are connected and written, then waits until the server has closed every one and
prints "closed N status408 M left L SECONDS" (M: how many got Kestrel's 408 first; L: how many were still open at the
deadline). A separate process, because fds are counted per process: the server's 10,000 sockets and these 10,000 would
not fit one process's limit together.

Usage: half_open.py PORT COUNT DEADLINE_SECONDS
"""
import resource
import selectors
import socket
import sys
import time

HEAD = (b"GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
BATCH = 500


def main():
    port, count, deadline = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = count + 64
    if hard != resource.RLIM_INFINITY and hard < needed:
        print(f"error fd hard limit {hard} < {needed}", flush=True)
        return 2
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))

    start = time.monotonic()
    sockets = []
    # In batches of non-blocking connects, each batch written once connected, so the server's accept backlog (512) is
    # never the bottleneck and no SYN waits for a retransmission.
    selector = selectors.DefaultSelector()
    while len(sockets) < count:
        batch = []
        for _ in range(min(BATCH, count - len(sockets))):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            selector.register(s, selectors.EVENT_WRITE)
            batch.append(s)
        pending = len(batch)
        while pending:
            for key, _ in selector.select(timeout=10):
                s = key.fileobj
                selector.unregister(s)
                pending -= 1
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    print(f"error connect {err}", flush=True)
                    return 1
                s.send(HEAD)
        sockets.extend(batch)
    print(f"opened {len(sockets)} {time.monotonic() - start:.2f}", flush=True)

    for s in sockets:
        selector.register(s, selectors.EVENT_READ, bytearray())
    open_count, status408 = len(sockets), 0
    end = time.monotonic() + deadline
    while open_count and time.monotonic() < end:
        for key, _ in selector.select(timeout=1):
            s, received = key.fileobj, key.data
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if data:
                received.extend(data)
                continue
            if received.startswith(b"HTTP/1.1 408"):
                status408 += 1
            selector.unregister(s)
            s.close()
            open_count -= 1
    print(f"closed {len(sockets) - open_count} status408 {status408} left {open_count} {time.monotonic() - start:.2f}", flush=True)
    for key in list(selector.get_map().values()):
        key.fileobj.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
