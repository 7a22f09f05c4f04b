"""grpc_upgrade.py - the connection to a Docker engine's BuildKit that the
test proxies (grpc_unix_proxy.py, grpc_stdio_proxy.py) share: POST /grpc
with Upgrade: h2c on the engine's unix socket, "101 Switching Protocols"
required. After it the connection speaks buildkitd's protocol (HTTP/2,
client first).
"""
import socket


def upgrade(engine_path):
    """Connect and upgrade; returns (socket, bytes read past the reply
    head). Raises OSError when the engine closes or refuses."""
    e = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    e.connect(engine_path)
    e.sendall(b"POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\n"
              b"Upgrade: h2c\r\nContent-Length: 0\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = e.recv(4096)
        if not chunk:
            e.close()
            raise OSError("the engine closed the connection")
        head += chunk
    status, rest = head.split(b"\r\n\r\n", 1)
    if b" 101 " not in status.split(b"\r\n")[0] + b" ":
        e.close()
        raise OSError("the engine refused /grpc: %r" % status[:200])
    return e, rest
