"""The table of requests the compatibility suite sends to both servers.

Each profile is one entry script (served by both servers); each case is one
request. `allow` names the deliberate differences (server/README.md,
"Deliberate differences") a case may show; any other difference fails."""

from dataclasses import dataclass, field

JSON = [("Content-Type", "application/json")]
TEXT = [("Content-Type", "text/plain")]
SEEDS = b'{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'


@dataclass
class Case:
    name: str
    method: str = "POST"
    path: str = "/score"
    headers: list = field(default_factory=list)
    body: bytes = b""
    raw: bytes = None
    chunked: bool = False
    allow: tuple = ()
    expect: bytes = None  # kiln-serve's body where a deliberate difference names it


def _returns():
    kinds = ["none", "str", "json_str", "unicode", "empty_str", "int", "big_int", "float", "nan", "inf", "true",
             "list", "empty_list", "tuple", "dict", "empty_dict", "int_keys", "nested_tuple",
             "response", "response_json", "response_none", "response_500", "response_bytes"]
    cases = [Case(f"run() returns {k}", headers=TEXT, body=f"return:{k}".encode()) for k in kinds]
    # json.dumps refuses these: a 500 on both (kiln-serve adds the request id).
    for k in ["bytes", "set", "datetime", "decimal", "object"]:
        cases.append(Case(f"run() returns {k} (not JSON)", headers=TEXT, body=f"return:{k}".encode(),
                          allow=("error-request-id",)))
    # numpy values and anything with tolist(): encoded by kiln-serve (their
    # tolist() as json.dumps writes it), a 500 in the reference.
    encoded = {"ndarray": b"[[1.5, 2.0], [3.0, 4.25]]", "ndarray_int": b"[0, 1, 2]", "np_float64": b"1.5",
               "np_float32": b"1.5", "np_int64": b"7", "np_bool": b"true",
               "ndarray_in_dict": b'{"predictions": [1.0, 2.0]}', "tolist": b"[1, 2, 3]"}
    for k, body in encoded.items():
        cases.append(Case(f"run() returns {k}", headers=TEXT, body=f"return:{k}".encode(),
                          allow=("numpy-encoded",), expect=body))
    return cases


def _bodies():
    bodies = {
        "a JSON object": b'{"a": 1, "b": [1, 2]}',
        "malformed JSON": b"{bad",
        "an empty body": b"",
        "a JSON array": b"[1, 2, 3]",
        "a JSON string": b'"text"',
        "JSON null": b"null",
        "NaN": b"NaN",
        "unicode JSON": '{"name": "žluťoučký ✓"}'.encode(),
        "a UTF-8 BOM": b'\xef\xbb\xbf{"a": 1}',
        "invalid UTF-8": b'{"a": "\xff"}',
        "only whitespace": b"  \n ",
        "a NUL byte": b'{"a": "\x00"}',
        "trailing garbage": b'{"a": 1} x',
    }
    types = {
        "application/json": JSON,
        "application/json; charset=utf-8": [("Content-Type", "application/json; charset=utf-8")],
        "text/plain": TEXT,
        "no content type": [],
    }
    cases = []
    for tname, headers in types.items():
        for bname, body in bodies.items():
            cases.append(Case(f"POST {bname} as {tname}", headers=headers, body=body))
    for t in ["text/csv", "application/octet-stream", "application/vnd.api+json", "application/xml",
              "APPLICATION/JSON", "image/png"]:
        cases.append(Case(f"POST a JSON object as {t}", headers=[("Content-Type", t)], body=b'{"a": 1}'))
        cases.append(Case(f"POST malformed JSON as {t}", headers=[("Content-Type", t)], body=b"{bad"))
    # werkzeug parses these as forms, so the reference hands run() "".
    for t in ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]:
        cases.append(Case(f"POST a JSON object as {t}", headers=[("Content-Type", t)], body=b'{"a": 1}',
                          allow=("form-body-kept",)))
    cases.append(Case("POST an empty form", headers=[("Content-Type", "application/x-www-form-urlencoded")]))
    cases.append(Case("POST a gzip body", headers=JSON + [("Content-Encoding", "gzip")],
                      body=b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00C\xbf\xa6\xa3\x02\x00\x00\x00"))
    cases.append(Case("POST JSON declared latin-1", headers=[("Content-Type", "application/json; charset=latin-1")],
                      body='{"name": "é"}'.encode()))
    cases.append(Case("POST a 1 MB JSON body", headers=JSON,
                      body=b'{"data": [' + b",".join([b"1.5"] * 250000) + b"]}"))
    cases.append(Case("POST with Accept: text/csv", headers=JSON + [("Accept", "text/csv")], body=b'{"a": 1}'))
    return cases


def _methods_routes_headers():
    c = [
        Case("GET /", method="GET", path="/"),
        Case("GET /?x=1", method="GET", path="/?x=1"),
        Case("POST /", method="POST", path="/", allow=("not-found-headers",)),
        Case("PUT /", method="PUT", path="/", allow=("not-found-headers",)),
        Case("HEAD /", method="HEAD", path="/"),
        Case("OPTIONS /", method="OPTIONS", path="/"),
        Case("OPTIONS /swagger.json", method="OPTIONS", path="/swagger.json"),
        Case("HEAD /swagger.json", method="HEAD", path="/swagger.json", allow=("swagger-text",)),
        Case("OPTIONS /nope", method="OPTIONS", path="/nope", allow=("not-found-headers",)),
        Case("GET /score", method="GET"),
        Case("GET /score with a query", method="GET", path="/score?a=1&b=[1,2]&c=x&d=null"),
        Case("GET /score with a repeated parameter", method="GET", path="/score?a=1&a=2&b=%7Bbad"),
        Case("GET /score with an empty parameter", method="GET", path="/score?a=&b"),
        Case("GET /score with percent-encoded unicode", method="GET", path="/score?n=%C5%BE%E2%9C%93"),
        Case("POST /score with a query", path="/score?a=1", headers=JSON, body=b'{"x": 1}'),
        Case("OPTIONS /score", method="OPTIONS"),
        Case("HEAD /score", method="HEAD"),
        Case("PUT /score", method="PUT", headers=JSON, body=b"{}", allow=("not-found-headers",)),
        Case("DELETE /score", method="DELETE", allow=("not-found-headers",)),
        Case("PATCH /score", method="PATCH", headers=JSON, body=b"{}", allow=("not-found-headers",)),
        Case("GET /nope", method="GET", path="/nope", allow=("not-found-headers",)),
        Case("POST /score/", path="/score/", headers=JSON, body=b"{}", allow=("not-found-headers",)),
        Case("POST /SCORE", path="/SCORE", headers=JSON, body=b"{}", allow=("not-found-headers",)),
        Case("GET /metrics", method="GET", path="/metrics", allow=("metrics-route",)),
        Case("GET /swagger.json", method="GET", path="/swagger.json", allow=("swagger-text",)),
        Case("GET /swagger.json?version=2", method="GET", path="/swagger.json?version=2", allow=("swagger-text",)),
        Case("GET /swagger.json?version=3", method="GET", path="/swagger.json?version=3", allow=("swagger-text",)),
        Case("GET /swagger.json?version=4", method="GET", path="/swagger.json?version=4", allow=("swagger-text",)),
        Case("POST /swagger.json", path="/swagger.json", allow=("not-found-headers",)),
        Case("x-request-id given", headers=JSON + [("x-request-id", "my-id-1")], body=b"{}"),
        Case("x-request-id empty", headers=JSON + [("x-request-id", "")], body=b"{}"),
        Case("x-request-id of 100 characters", headers=JSON + [("x-request-id", "r" * 100)], body=b"{}"),
        Case("x-request-id of 101 characters", headers=JSON + [("x-request-id", "r" * 101)], body=b"{}"),
        Case("x-ms-request-id given", headers=JSON + [("x-ms-request-id", "legacy-1")], body=b"{}"),
        Case("x-ms-client-request-id given", headers=JSON + [("x-ms-client-request-id", "client-1")], body=b"{}"),
        Case("x-ms-client-request-id of 101 characters",
             headers=JSON + [("x-ms-client-request-id", "c" * 101)], body=b"{}"),
        Case("all three request ids", headers=JSON + [("x-request-id", "r-1"), ("x-ms-request-id", "l-1"),
                                                      ("x-ms-client-request-id", "c-1")], body=b"{}"),
        Case("TraceId echoed", headers=JSON + [("TraceId", "trace-7")], body=b"{}"),
        Case("GET / with x-request-id", method="GET", path="/", headers=[("x-request-id", "health-1")]),
        Case("Authorization header without keys", headers=JSON + [("Authorization", "Bearer x")], body=b"{}"),
        Case("Expect: 100-continue", headers=JSON + [("Expect", "100-continue")], body=b'{"big": 1}'),
        Case("chunked body", headers=JSON, body=b'{"chunked": true}', chunked=True),
        Case("HTTP/1.0 request", raw=b"POST /score HTTP/1.0\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: 2\r\n\r\n{}"),
        Case("garbage request line", raw=b"NOT HTTP AT ALL\r\n\r\n", allow=("http-error-body",)),
        Case("bad Content-Length", raw=b"POST /score HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
             allow=("http-error-body",)),
    ]
    return c


def _errors():
    return [
        Case("run() raises ValueError", headers=TEXT, body=b"raise:boom", allow=("error-request-id",)),
        Case("run() raises with a secret and a path", headers=TEXT, body=b"raise:secret",
             allow=("error-request-id",)),
        Case("run() raises with an empty message", headers=TEXT, body=b"raise:", allow=("error-request-id",)),
    ]


def _seeds():
    return [
        Case("the seeds' request", headers=JSON, body=SEEDS),
        Case("the seeds' request, malformed", headers=JSON, body=b'{"data": [[1,2,3'),
        Case("the seeds' request, empty", headers=JSON, body=b""),
        Case("the seeds' request without data", headers=JSON, body=b'{"rows": []}'),
        Case("the seeds' request with the wrong shape", headers=JSON, body=b'{"data": [[1,2]]}'),
        Case("the seeds' request as GET", method="GET", path="/score?data=[[1,2,3,4,5,6,7,8,9,10]]"),
    ]


def _schema():
    return [
        Case("schema: valid", headers=JSON, body=b'{"data": [[1.0, 2.0, 3.0]]}'),
        Case("schema: malformed JSON", headers=JSON, body=b"{bad"),
        Case("schema: empty body", headers=JSON, body=b""),
        Case("schema: not an object", headers=JSON, body=b"[1]"),
        Case("schema: missing parameter", headers=JSON, body=b'{"other": 1}'),
        Case("schema: text/plain", headers=TEXT, body=b'{"data": [[1.0, 2.0, 3.0]]}'),
        Case("schema: no content type", body=b'{"data": [[1.0, 2.0, 3.0]]}'),
        Case("schema: GET", method="GET", path="/score?data=[[1.0,2.0,3.0]]"),
        Case("schema: swagger 2", method="GET", path="/swagger.json?version=2", allow=("swagger-text",)),
    ]


def _rawhttp():
    return [
        Case("rawhttp: GET", method="GET", path="/score?a=1&b=2"),
        Case("rawhttp: POST", headers=[("X-Custom", "c1")], body=b"abcdef"),
        Case("rawhttp: PUT", method="PUT", body=b"x", allow=("not-found-headers",)),
        Case("rawhttp: OPTIONS", method="OPTIONS"),
        Case("rawhttp: HEAD", method="HEAD", path="/score?x=1"),
        Case("rawhttp: POST malformed JSON", headers=JSON, body=b"{bad"),
    ]


def _headers():
    return [
        Case("request_headers: a custom header", headers=JSON + [("X-Custom", "v1")], body=b"{}"),
        Case("request_headers: GET", method="GET", path="/score?q=1", headers=[("X-Custom", "v2")]),
    ]


# (label, script directory under tests/integration/server/scripts, needs the model, cases)
PROFILES = [
    ("plain", "compat", False, _returns() + _bodies() + _methods_routes_headers() + _errors()),
    ("seeds", "seeds_pattern", True, _seeds()),
    ("schema", "schema", False, _schema()),
    ("rawhttp", "rawhttp", False, _rawhttp()),
    ("headers", "compat_headers", False, _headers()),
]
