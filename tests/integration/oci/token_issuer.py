#!/usr/bin/env python3
"""A minimal registry token server for tests (distribution token auth spec).

GET /token?service=S&scope=repository:NAME:ACTIONS[&scope=...] with HTTP Basic
credentials answers {"token": JWT} granting the requested actions. The JWT is
RS256-signed with --key, its x5c header carries --cert (which the registry
trusts via auth.token.rootcertbundle). Standard library plus the openssl CLI.
"""
import argparse
import base64
import json
import subprocess
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cert", required=True)
    p.add_argument("--issuer", required=True)
    p.add_argument("--service", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    args = p.parse_args()

    der = subprocess.run(["openssl", "x509", "-in", args.cert, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    x5c = base64.b64encode(der).decode()
    expected = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()

    def sign(claims):
        header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", args.key],
                             input=signing_input.encode(), check=True,
                             capture_output=True).stdout
        return signing_input + "." + b64url(sig)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            if url.path != "/token":
                self.send_error(404)
                return
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="kiln-test-token"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            query = parse_qs(url.query)
            access = []
            for scope in query.get("scope", []):
                parts = scope.split(":")
                if len(parts) == 3:
                    access.append({"type": parts[0], "name": parts[1],
                                   "actions": parts[2].split(",")})
            now = int(time.time())
            token = sign({"iss": args.issuer, "sub": args.user, "aud": args.service,
                          "exp": now + 600, "nbf": now - 10, "iat": now,
                          "jti": uuid.uuid4().hex, "access": access})
            body = json.dumps({"token": token, "access_token": token,
                               "expires_in": 600}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *a):
            sys.stderr.write("token_issuer: " + (fmt % a) + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"token_issuer: listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
