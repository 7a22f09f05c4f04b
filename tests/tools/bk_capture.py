#!/usr/bin/env python3
"""bk_capture.py - record the Engine API's POST /build replies as the docker
CLI sees them, to make BuildKit trace fixtures (tests/data/bktrace/).

  bk_capture.py proxy LISTEN_SOCK UPSTREAM_SOCK LOGDIR
      A transparent unix-socket proxy: every connection is forwarded byte
      for byte (hijacked /session connections included) and both directions
      are appended to LOGDIR/conn-N.up and LOGDIR/conn-N.down.
  bk_capture.py extract LOGDIR OUT
      Finds the POST .../build requests in the recorded connections, decodes
      their HTTP/1.1 replies (chunked or not) and writes the last build
      reply's body to OUT.

Run: proxy in the background, then
  DOCKER_HOST=unix://LISTEN_SOCK DOCKER_BUILDKIT=1 /usr/bin/docker build ...
"""
import os
import socket
import sys
import threading


def pump(src, dst, log):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            log.write(data)
            log.flush()
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def proxy(listen, upstream, logdir):
    os.makedirs(logdir, exist_ok=True)
    if os.path.exists(listen):
        os.unlink(listen)
    server = socket.socket(socket.AF_UNIX)
    server.bind(listen)
    server.listen(16)
    n = 0
    while True:
        client, _ = server.accept()
        n += 1
        up = socket.socket(socket.AF_UNIX)
        up.connect(upstream)
        base = os.path.join(logdir, "conn-%03d" % n)
        up_log = open(base + ".up", "wb")
        down_log = open(base + ".down", "wb")
        threading.Thread(target=pump, args=(client, up, up_log), daemon=True).start()
        threading.Thread(target=pump, args=(up, client, down_log), daemon=True).start()


def read_headers(data, pos):
    end = data.find(b"\r\n\r\n", pos)
    if end < 0:
        return None, None, len(data)
    lines = data[pos:end].decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return lines[0], headers, end + 4


def read_body(data, pos, headers):
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while pos < len(data):
            eol = data.find(b"\r\n", pos)
            if eol < 0:
                break
            size = int(data[pos:eol].split(b";")[0], 16)
            pos = eol + 2
            if size == 0:
                pos = data.find(b"\r\n", pos) + 2
                break
            body += data[pos:pos + size]
            pos += size + 2
        return body, pos
    n = int(headers.get("content-length", "0"))
    return data[pos:pos + n], pos + n


def extract(logdir, out):
    found = None
    for name in sorted(os.listdir(logdir)):
        if not name.endswith(".up"):
            continue
        up = open(os.path.join(logdir, name), "rb").read()
        down = open(os.path.join(logdir, name[:-3] + ".down"), "rb").read()
        # Pair requests and responses in order on this connection.
        upos = dpos = 0
        while upos < len(up) and dpos < len(down):
            req, reqh, upos = read_headers(up, upos)
            if req is None:
                break
            _, upos = read_body(up, upos, reqh)
            status, resph, dpos = read_headers(down, dpos)
            if status is None:
                break
            if " 101 " in status:
                break  # hijacked: the rest is not HTTP/1.1
            body, dpos = read_body(down, dpos, resph)
            if req.startswith("POST ") and "/build?" in req:
                found = body
    if found is None:
        sys.exit("no POST /build reply in " + logdir)
    with open(out, "wb") as f:
        f.write(found)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "proxy":
        proxy(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "extract":
        extract(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
