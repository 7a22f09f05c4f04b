#!/usr/bin/env python3
"""grpc_stdio_proxy.py - `buildctl dial-stdio` for tests: connect to a
Docker engine's BuildKit (POST /grpc with Upgrade: h2c on its unix
socket), then copy standard input to the connection and the connection to
standard output until either side ends.

  grpc_stdio_proxy.py ENGINE_SOCKET [LOG]

Test doubles of ssh, docker and kubectl exec this in place of the remote
`buildctl dial-stdio` (LOG gets their arguments), so hoist's dial-stdio
transport is exercised against a real BuildKit.
"""
import os
import selectors
import socket
import sys


def main():
    engine_path = sys.argv[1]
    e = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    e.connect(engine_path)
    e.sendall(b"POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\n"
              b"Upgrade: h2c\r\nContent-Length: 0\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = e.recv(4096)
        if not chunk:
            sys.exit("the engine closed the connection")
        head += chunk
    status, rest = head.split(b"\r\n\r\n", 1)
    if b" 101 " not in status.split(b"\r\n")[0] + b" ":
        sys.exit("the engine refused /grpc")
    out = sys.stdout.buffer.raw if hasattr(sys.stdout.buffer, "raw") else sys.stdout.buffer
    if rest:
        os.write(1, rest)
    sel = selectors.DefaultSelector()
    sel.register(0, selectors.EVENT_READ, "in")
    sel.register(e, selectors.EVENT_READ, "engine")
    while True:
        for key, _ in sel.select():
            if key.data == "in":
                data = os.read(0, 65536)
                if not data:
                    return
                e.sendall(data)
            else:
                data = e.recv(65536)
                if not data:
                    return
                view = memoryview(data)
                while view:
                    n = os.write(1, view)
                    view = view[n:]
    del out


if __name__ == "__main__":
    main()
