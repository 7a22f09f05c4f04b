#!/usr/bin/env python3
"""fake_engine.py - a Docker engine that only records the classic builder's
context upload, as an oracle for what `DOCKER_BUILDKIT=0 docker build`
sends.

    fake_engine.py SOCKET OUT_DIR

Listens on the unix socket SOCKET; answers GET/HEAD /_ping (API 1.41, no
BuildKit) and /version, and for POST /build saves the request body (the
context tar, de-chunked) to OUT_DIR/context.tar and the query string to
OUT_DIR/query, then replies with a build that failed on purpose so that
the CLI exits at once. Everything else is a 404 (so POST /session, the
BuildKit session, is refused). FAKE_ENGINE_BUILDER_VERSION sets the ping's
Builder-Version header (as daemon.json features.buildkit does: "1" false,
"2" true; absent by default), FAKE_ENGINE_OSTYPE its OSType (linux).
Runs until killed.
"""
import http.server
import json
import os
import socketserver
import sys

API = "1.41"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if os.environ.get("FAKE_ENGINE_DEBUG"):
            sys.stderr.write("fake_engine: " + (fmt % args) + "\n")

    def address_string(self):
        return "unix"

    def reply(self, code, body=b"", ctype="application/json"):
        self.send_response(code)
        self.send_header("Api-Version", API)
        self.send_header("Ostype", os.environ.get("FAKE_ENGINE_OSTYPE", "linux"))
        if os.environ.get("FAKE_ENGINE_BUILDER_VERSION"):
            self.send_header("Builder-Version", os.environ["FAKE_ENGINE_BUILDER_VERSION"])
        self.send_header("Docker-Experimental", "false")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def path_only(self):
        p = self.path.split("?", 1)[0]
        parts = p.split("/")
        if len(parts) > 2 and parts[1].startswith("v1."):
            p = "/" + "/".join(parts[2:])
        return p

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        p = self.path_only()
        if p == "/_ping":
            self.reply(200, b"OK", "text/plain")
        elif p == "/version":
            self.reply(200, json.dumps({"ApiVersion": API, "MinAPIVersion": "1.12", "Version": "20.10.99",
                                        "Os": "linux", "Arch": "amd64"}).encode())
        else:
            self.reply(404, b'{"message":"not here"}')

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline()
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n)

    def do_POST(self):
        p = self.path_only()
        body = self.read_body()
        if p == "/build":
            with open(os.path.join(OUT, "context.tar.part"), "wb") as f:
                f.write(body)
            os.replace(os.path.join(OUT, "context.tar.part"), os.path.join(OUT, "context.tar"))
            with open(os.path.join(OUT, "query"), "w") as f:
                f.write(self.path.split("?", 1)[1] if "?" in self.path else "")
            msg = json.dumps({"errorDetail": {"message": "fake engine: context recorded"},
                              "error": "fake engine: context recorded"}) + "\r\n"
            self.reply(200, msg.encode())
        else:
            self.reply(404, b'{"message":"not here"}')


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


if __name__ == "__main__":
    sock, OUT = sys.argv[1], sys.argv[2]
    if os.path.exists(sock):
        os.unlink(sock)
    with Server(sock, Handler) as srv:
        srv.serve_forever()
