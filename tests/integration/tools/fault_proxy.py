#!/usr/bin/env python3
"""fault_proxy.py - a Docker Engine API proxy on a unix socket that injects
faults, for tests/integration/test_faults_proxy.sh (stdlib only).

    fault_proxy.py --listen SOCK --upstream SOCK --scenario NAME
                   [--match REGEX] [--arg N] [--ready FILE]

Every connection from the client is answered by a thread. The request
line and headers are read; a request whose "METHOD PATH" matches --match
(default: POST .../build) gets the scenario, every other request is
forwarded to the upstream daemon as it is (with "Connection: close", so
that the next request comes on a new connection and is looked at again;
upgraded connections - the BuildKit session - are forwarded untouched).

Scenarios for the matching request:
  pass             forward it
  truncate         forward; pass the response head and --arg bytes of the
                   body (default 64), then close cleanly
  reset-upload     read --arg bytes (default 65536) of the request body,
                   then reset the connection (RST)
  reset-stream     forward; pass the head and --arg bytes of the body
                   (default 64), then reset
  delay            sleep --arg seconds (default 2), then forward
  stall            read the request, never answer, keep the socket open
  stall-stream     forward; pass the head and --arg bytes (default 64) of
                   the body, then stop passing anything (a reply that
                   never ends)
  endless          answer 200 with a chunked JSON stream of harmless
                   {"stream":"."} lines, forever
  garbled          answer 200 with a chunked stream of broken JSON lines
  huge-line        answer 200 with one 100 MB JSON line (--arg MB)
  status-CODE-KIND answer CODE (500, 404, 409, ...) with a body of KIND:
                   empty, html, text, json, huge (8 MB of text)
The proxy writes its pid to --ready once it listens, and logs one line per
request on stderr.
"""
import argparse
import os
import re
import select
import socket
import struct
import sys
import threading
import time

ARGS = None


def log(msg):
    sys.stderr.write("fault_proxy: %s\n" % msg)
    sys.stderr.flush()


def read_head(sock, buf=b""):
    """Reads up to the end of an HTTP head; returns (head, rest) or (None, buf)."""
    while b"\r\n\r\n" not in buf:
        try:
            data = sock.recv(65536)
        except OSError:
            return None, buf
        if not data:
            return None, buf
        buf += data
        if len(buf) > 1 << 20:
            return None, buf
    i = buf.index(b"\r\n\r\n") + 4
    return buf[:i], buf[i:]


def set_connection_close(head):
    lines = head[:-4].split(b"\r\n")
    kept = [l for l in lines if not l.lower().startswith(b"connection:")]
    kept.append(b"Connection: close")
    return b"\r\n".join(kept) + b"\r\n\r\n"


def reset(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    sock.close()


def pump(a, b, stop_after=None, on_limit=None):
    """Copies both ways (a: the client, b: the daemon) until one side
    closes. With stop_after, on_limit() is called once the response head
    and stop_after bytes of its body have been passed to a."""
    passed = 0
    head = b"" if stop_after is not None else None
    socks = [a, b]
    while True:
        try:
            r, _, _ = select.select(socks, [], [], 1.0)
        except (OSError, ValueError):
            return
        for s in r:
            try:
                data = s.recv(65536)
            except OSError:
                return
            if not data:
                return
            dst = b if s is a else a
            if s is b and head is not None:
                if b"\r\n\r\n" not in head:  # still in the response head
                    head += data
                    if b"\r\n\r\n" not in head:
                        dst.sendall(data)
                        continue
                    body_at = len(data) - (len(head) - head.index(b"\r\n\r\n") - 4)
                else:
                    body_at = 0
                room = stop_after - passed
                if len(data) - body_at >= room:
                    try:
                        dst.sendall(data[:body_at + room])
                    except OSError:
                        return
                    on_limit()
                    return
                passed += len(data) - body_at
            try:
                dst.sendall(data)
            except OSError:
                return


def connect_upstream():
    u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    u.connect(ARGS.upstream)
    return u


def forward_response_limited(client, up, head, rest, limit, then):
    """Forwards the request (its body as the client sends it), passes the
    response head plus `limit` body bytes, then calls then()."""
    up.sendall(set_connection_close(head) + rest)
    pump(client, up, stop_after=limit, on_limit=then)


def chunk(data):
    return b"%x\r\n%s\r\n" % (len(data), data)


def stream_head(client, status="200 OK"):
    client.sendall(("HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" % status).encode())


def canned(client, code, kind):
    reason = {400: "Bad Request", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error",
              503: "Service Unavailable"}.get(code, "Error")
    if kind == "empty":
        body, ctype = b"", "text/plain"
    elif kind == "html":
        body, ctype = b"<html><head><title>502</title></head><body><h1>oops</h1><p>proxy</p></body></html>\n", "text/html"
    elif kind == "text":
        body, ctype = b"something went wrong {not json\n", "text/plain"
    elif kind == "json":
        body, ctype = b'{"message":"injected fault: the daemon says no"}\n', "application/json"
    else:  # huge
        body, ctype = (b"x" * 1023 + b"\n") * 8192, "text/plain"
    client.sendall(("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                    % (code, reason, ctype, len(body))).encode() + body)


def drain(sock, seconds):
    """Reads and discards the rest of a request body for a while."""
    end = time.time() + seconds
    sock.settimeout(0.2)
    while time.time() < end:
        try:
            if not sock.recv(65536):
                return
        except socket.timeout:
            return
        except OSError:
            return


def handle(client):
    up = None
    try:
        head, rest = read_head(client)
        if head is None:
            return
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        method_path = " ".join(line.split(" ")[:2])
        upgrade = b"\r\nupgrade:" in head.lower()
        hit = re.search(ARGS.match, method_path) is not None
        log("%s %s" % ("INJECT" if hit else "pass", method_path))
        sc = ARGS.scenario if hit else "pass"
        if sc == "pass":
            up = connect_upstream()
            up.sendall((head if upgrade else set_connection_close(head)) + rest)
            pump(client, up)
        elif sc == "truncate":
            up = connect_upstream()
            forward_response_limited(client, up, head, rest, ARGS.arg or 64, lambda: client.close())
        elif sc == "reset-stream":
            up = connect_upstream()
            forward_response_limited(client, up, head, rest, ARGS.arg or 64, lambda: reset(client))
        elif sc == "stall-stream":
            up = connect_upstream()
            forward_response_limited(client, up, head, rest, ARGS.arg or 64, lambda: None)
            while True:  # keep both open, pass nothing more
                time.sleep(1)
                try:
                    if not client.recv(65536, socket.MSG_DONTWAIT):
                        return
                except BlockingIOError:
                    pass
                except OSError:
                    return
        elif sc == "reset-upload":
            want, got = ARGS.arg or 65536, len(rest)
            while got < want:
                data = client.recv(65536)
                if not data:
                    break
                got += len(data)
            log("reset after %d bytes of upload" % got)
            reset(client)
        elif sc == "delay":
            time.sleep(ARGS.arg or 2)
            up = connect_upstream()
            up.sendall(set_connection_close(head) + rest)
            pump(client, up)
        elif sc == "stall":
            while True:
                try:
                    if not client.recv(65536):
                        return
                except OSError:
                    return
        elif sc == "endless":
            drain(client, 1)
            stream_head(client)
            while True:
                client.sendall(chunk(b'{"stream":"."}\r\n'))
                time.sleep(0.05)
        elif sc == "garbled":
            drain(client, 1)
            stream_head(client)
            client.sendall(chunk(b'{"stream":"Step 1/2 : FROM x"}\r\n'))
            client.sendall(chunk(b'{"stream": "unterminated\r\n'))
            client.sendall(chunk(b'\x00\xff\xfe garbage {{{ ]]]\r\n'))
            client.sendall(chunk(b'{"aux":{"ID":42}}\r\n'))
            client.sendall(b"0\r\n\r\n")
        elif sc == "huge-line":
            drain(client, 1)
            stream_head(client)
            piece = b"a" * (1 << 20)
            client.sendall(chunk(b'{"stream":"'))
            for _ in range(ARGS.arg or 100):
                client.sendall(chunk(piece))
            client.sendall(chunk(b'"}\r\n'))
            client.sendall(b"0\r\n\r\n")
        elif sc.startswith("status-"):
            _, code, kind = sc.split("-", 2)
            drain(client, 1)
            canned(client, int(code), kind)
        else:
            log("unknown scenario %s" % sc)
    except OSError as e:
        log("connection ended: %s" % e)
    finally:
        for s in (client, up):
            if s is not None:
                try:
                    s.close()
                except OSError:
                    pass


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--scenario", default="pass")
    p.add_argument("--match", default=r"^POST /(v[0-9.]+/)?build\b")
    p.add_argument("--arg", type=int, default=0)
    p.add_argument("--ready")
    ARGS = p.parse_args()
    if os.path.exists(ARGS.listen):
        os.unlink(ARGS.listen)
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(ARGS.listen)
    srv.listen(64)
    if ARGS.ready:
        with open(ARGS.ready, "w") as f:
            f.write("%d\n" % os.getpid())
    while True:
        c, _ = srv.accept()
        threading.Thread(target=handle, args=(c,), daemon=True).start()


if __name__ == "__main__":
    main()
