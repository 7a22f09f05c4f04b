#!/usr/bin/env python3
"""grpc_stdio_proxy.py - `buildctl dial-stdio` for tests: connect to a
Docker engine's BuildKit (POST /grpc with Upgrade: h2c on its unix
socket), then copy standard input to the connection and the connection to
standard output until either side ends.

  grpc_stdio_proxy.py ENGINE_SOCKET [LOG]

Test doubles of ssh, docker and kubectl exec this in place of the remote
`buildctl dial-stdio` (LOG gets their arguments), so hoist's dial-stdio
transport is exercised against a real BuildKit. The upgrade is
grpc_upgrade.py's, shared with grpc_unix_proxy.py.
"""
import os
import selectors
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from grpc_upgrade import upgrade  # noqa: E402 (this directory is on sys.path)


def main():
    try:
        e, rest = upgrade(sys.argv[1])
    except OSError as err:
        sys.exit(str(err))
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


if __name__ == "__main__":
    main()
