"""One request on a fresh connection, the answer as sent: status, headers in
order, body. Plain sockets, so malformed HTTP can be sent too."""

import socket
from dataclasses import dataclass, field


@dataclass
class Answer:
    status: int = 0  # 0: the connection closed without an answer
    headers: list = field(default_factory=list)  # [(name, value)] as sent
    body: bytes = b""

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_names(self):
        return {k.lower() for k, _ in self.headers}


def _read_answer(sock, head_request):
    data = b""
    sock.settimeout(30)
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return Answer() if not data else _parse(data, head_request, sock)
        data += chunk
    return _parse(data, head_request, sock)


def _parse(data, head_request, sock):
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    if status == 100:  # 100 Continue, then the real answer
        return _parse_more(rest, head_request, sock)
    headers = []
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    answer = Answer(status, headers)
    if head_request or status in (204, 304):
        return answer
    length = answer.header("Content-Length")
    chunked = (answer.header("Transfer-Encoding") or "").lower() == "chunked"
    body = rest
    while True:
        if length is not None and len(body) >= int(length):
            body = body[: int(length)]
            break
        if chunked and body.endswith(b"0\r\n\r\n"):
            body = _dechunk(body)
            break
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    answer.body = body
    return answer


def _parse_more(rest, head_request, sock):
    data = rest
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return Answer()
        data += chunk
    return _parse(data, head_request, sock)


def _dechunk(body):
    out = b""
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += body[:size]
        body = body[size + 2:]
    return out


def send(port, method="GET", path="/", headers=(), body=b"", raw=None, chunked=False):
    """Sends the request (or the bytes `raw` as they are) and reads the answer."""
    if raw is None:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
        names = {k.lower() for k, _ in headers}
        lines += [f"{k}: {v}" for k, v in headers]
        if chunked:
            lines.append("Transfer-Encoding: chunked")
            payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in (body[:3], body[3:]) if p) + b"0\r\n\r\n"
        else:
            if body or method in ("POST", "PUT", "PATCH"):
                if "content-length" not in names:
                    lines.append(f"Content-Length: {len(body)}")
            payload = body
        expect = any(k.lower() == "expect" for k, _ in headers)
        raw = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if not expect:
            raw += payload
    else:
        payload, expect = b"", False
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        if expect:
            sock.settimeout(30)
            first = sock.recv(65536)
            if first.startswith(b"HTTP/1.1 100"):
                sock.sendall(payload)
                rest = first.partition(b"\r\n\r\n")[2]
                return _finish(sock, rest, method == "HEAD")
            return _parse(first, method == "HEAD", sock) if b"\r\n\r\n" in first else _read_answer(sock, False)
        try:
            return _read_answer(sock, method == "HEAD")
        except (ConnectionResetError, socket.timeout):
            return Answer()


def _finish(sock, rest, head_request):
    data = rest
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return Answer()
        data += chunk
    return _parse(data, head_request, sock)
