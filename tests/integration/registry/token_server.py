#!/usr/bin/env python3
"""token_server.py - a registry token service for hoist's tests (loopback only).

Implements the docker distribution token protocol well enough for a real
docker-registry with `auth: token`: GET /token?service=S&scope=repository:R:A,B
with HTTP Basic credentials answers {"token": JWT, "access_token": JWT} signed
RS256 with the key whose self-signed certificate is the registry's
rootcertbundle (the certificate travels in the JWT's x5c header).

Users come from a JSON file: {"name": {"password": "...", "actions": ["pull",
"push"]}}; the grant is the requested actions intersected with the user's.
Wrong credentials get 401; anonymous requests get a token with no access.
Requests are logged to stderr without their Authorization header.

usage: token_server.py PORT KEY.pem CERT.pem ISSUER USERS.json
"""
import base64
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

port, key_path, cert_path, issuer, users_path = sys.argv[1:6]
with open(key_path, "rb") as f:
    key = serialization.load_pem_private_key(f.read(), password=None)
with open(cert_path, "rb") as f:
    cert = x509.load_pem_x509_certificate(f.read())
x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
with open(users_path) as f:
    users = json.load(f)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(subject, service, access):
    header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
    now = int(time.time())
    claims = {"iss": issuer, "sub": subject, "aud": service, "exp": now + 600, "nbf": now - 10,
              "iat": now, "jti": b64url(os.urandom(12)), "access": access}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return signing_input + "." + b64url(sig)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("token: %s %s\n" % (self.command, urlparse(self.path).path))

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/token":
            return self.reply(404, {"error": "not found"})
        q = parse_qs(url.query)
        service = q.get("service", [""])[0]
        subject, allowed = "", []
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except Exception:
                return self.reply(400, {"error": "bad authorization"})
            entry = users.get(user)
            if not entry or entry.get("password") != password:
                return self.reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "incorrect username or password"}]})
            subject, allowed = user, entry.get("actions", [])
        access = []
        for scope in q.get("scope", []):
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            wanted = parts[-1].split(",")
            name = ":".join(parts[1:-1])
            access.append({"type": "repository", "name": name,
                           "actions": [a for a in wanted if a in allowed]})
        token = make_token(subject, service, access)
        self.reply(200, {"token": token, "access_token": token, "expires_in": 600})


ThreadingHTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()
