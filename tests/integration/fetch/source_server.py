#!/usr/bin/env python3
"""A model source for the kiln-fetch tests: serves the files of --root over
HTTPS (--cert/--key) or plain HTTP on 127.0.0.1:--port.

--header "Name: value": every request must carry it (else 401).
/truncated/<file>: announces the whole file's length, sends half, closes
(an interrupted transfer). Requests are logged to stderr.
"""
import argparse
import os
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--header")
    args = p.parse_args()
    required = None
    if args.header:
        name, value = args.header.split(":", 1)
        required = (name.strip(), value.strip())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            if required and self.headers.get(required[0]) != required[1]:
                self.send_response(401)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = self.path.split("?", 1)[0]
            truncated = path.startswith("/truncated/")
            if truncated:
                path = path[len("/truncated"):]
            full = os.path.realpath(os.path.join(args.root, path.lstrip("/")))
            if not full.startswith(os.path.realpath(args.root)) or not os.path.isfile(full):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            size = os.path.getsize(full)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            to_send = size // 2 if truncated else size
            with open(full, "rb") as f:
                while to_send > 0:
                    chunk = f.read(min(1 << 20, to_send))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    to_send -= len(chunk)
            if truncated:
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)

        def log_message(self, fmt, *a):
            sys.stderr.write("source_server: " + (fmt % a) + "\n")

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print(f"source_server: listening on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
