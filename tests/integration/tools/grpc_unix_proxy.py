#!/usr/bin/env python3
"""grpc_unix_proxy.py - expose a Docker engine's BuildKit as a plain h2c
gRPC unix socket, the way buildkitd serves its own socket.

  grpc_unix_proxy.py LISTEN_SOCKET ENGINE_SOCKET

For each accepted connection: connect to the engine, send POST /grpc with
Upgrade: h2c, require "101 Switching Protocols", then splice bytes both
ways. After the upgrade the protocol is exactly buildkitd's (the client
speaks HTTP/2 first), so hoist's unix:// builder path is tested against a
real BuildKit. Prints "ready" once listening; stops on SIGTERM.
"""
import os
import selectors
import signal
import socket
import sys
import threading


def upgrade(engine_path):
    e = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    e.connect(engine_path)
    e.sendall(b"POST /grpc HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\n"
              b"Upgrade: h2c\r\nContent-Length: 0\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = e.recv(4096)
        if not chunk:
            raise OSError("the engine closed the connection")
        head += chunk
    line, rest = head.split(b"\r\n\r\n", 1)[0], head.split(b"\r\n\r\n", 1)[1]
    if b" 101 " not in line.split(b"\r\n")[0] + b" ":
        raise OSError("the engine refused /grpc: %r" % line[:200])
    return e, rest


def splice(client, engine, early):
    try:
        if early:
            client.sendall(early)
        sel = selectors.DefaultSelector()
        sel.register(client, selectors.EVENT_READ, engine)
        sel.register(engine, selectors.EVENT_READ, client)
        open_ends = 2
        while open_ends:
            for key, _ in sel.select():
                data = key.fileobj.recv(65536)
                if not data:
                    sel.unregister(key.fileobj)
                    open_ends -= 1
                    try:
                        key.data.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                key.data.sendall(data)
    except OSError:
        pass
    finally:
        client.close()
        engine.close()


def main():
    listen_path, engine_path = sys.argv[1], sys.argv[2]
    if os.path.exists(listen_path):
        os.unlink(listen_path)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen_path)
    srv.listen(16)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    print("ready", flush=True)
    while True:
        client, _ = srv.accept()
        try:
            engine, early = upgrade(engine_path)
        except OSError as e:
            print("proxy: %s" % e, file=sys.stderr, flush=True)
            client.close()
            continue
        threading.Thread(target=splice, args=(client, engine, early), daemon=True).start()


if __name__ == "__main__":
    main()
