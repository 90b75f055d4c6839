"""kiln-serve against azureml-inference-server-http: the same table of
requests (cases.py) to both, in one run; fails on any difference that is not
a deliberate difference listed in server/README.md with its reason.

usage: compat_test.py KILN_SERVE_BIN VENV SCRIPTS_DIR MODEL_DIR WORK_DIR [--dump]
(--dump prints every pair of answers.)"""

import json
import os
import re
import sys
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cases import PROFILES  # noqa: E402
from exchange import send  # noqa: E402
from servers import start_pair  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))

# Headers that belong to the connection or the server software, not to the
# answer a client or a script reads.
TRANSPORT = {"date", "server", "connection", "keep-alive", "content-length", "transfer-encoding"}

GENERIC_500 = "An unexpected error occurred in scoring script. Check the logs for more info."


def deliberate_ids():
    """The ids in server/README.md's "Deliberate differences" table, each
    with a reason (a row without one does not count)."""
    with open(os.path.join(ROOT, "server", "README.md"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("## Deliberate differences", 1)
    if len(section) < 2:
        return set()
    ids = set()
    for line in section[1].split("\n## ", 1)[0].splitlines():
        m = re.match(r"\|\s*`([a-z0-9-]+)`\s*\|([^|]*)\|([^|]*)\|", line)
        if m and m.group(2).strip() and m.group(3).strip():
            ids.add(m.group(1))
    return ids


def is_uuid(v):
    try:
        uuid.UUID(v)
        return True
    except (TypeError, ValueError):
        return False


def header_differences(kiln, ref, case):
    diffs = []
    k_names, r_names = kiln.header_names() - TRANSPORT, ref.header_names() - TRANSPORT
    for name in sorted(k_names | r_names):
        kv, rv = kiln.header(name), ref.header(name)
        if name == "x-ms-run-fn-exec-ms" and kv is not None and rv is not None:
            if not re.fullmatch(r"\d+\.\d{3}", kv):
                diffs.append(f"header {name}: {kv!r} is not a time with 3 decimals")
            continue
        if name in ("x-request-id", "x-ms-request-id") and is_uuid(kv) and is_uuid(rv):
            continue  # generated on both sides
        if name == "x-ms-server-version" and kv is not None and rv is not None:
            if "server-version" not in case.allowed_now:
                diffs.append(f"header {name}: kiln {kv!r} reference {rv!r}")
            continue
        if name == "allow" and kv is not None and rv is not None:
            kv, rv = sorted(x.strip() for x in kv.split(",")), sorted(x.strip() for x in rv.split(","))
        if kv != rv:
            diffs.append(f"header {name}: kiln {kv!r} reference {rv!r}")
    return diffs


def explained(kiln, ref, case, ids):
    """True when the differences between the answers are exactly what one of
    the case's allowed deliberate differences describes."""
    for d in case.allow:
        if d not in ids:
            continue
        check = CHECKS[d]
        if check(kiln, ref, case):
            return True
    return False


def _json(body):
    try:
        return json.loads(body)
    except ValueError:
        return None


def _headers_equal_but(kiln, ref, case, skip):
    return not [x for x in header_differences(kiln, ref, case) if not any(s in x for s in skip)]


def check_error_request_id(kiln, ref, case):
    # The reference's generic 500 plus the request id, which is also the
    # x-request-id header, so the traceback can be found in the log.
    k, r = _json(kiln.body), _json(ref.body)
    if not (kiln.status == ref.status == 500 and isinstance(k, dict) and isinstance(r, dict)):
        return False
    rid = k.pop("request_id", None)
    return k == r and rid == kiln.header("x-request-id") and _headers_equal_but(kiln, ref, case, [])


def check_numpy_encoded(kiln, ref, case):
    # The value's tolist() as json.dumps writes it, where the reference
    # server fails (or, for a float subclass such as np.float64, agrees).
    ref_ok = ref.status == 500 or (ref.status == 200 and ref.body == case.expect)
    return kiln.status == 200 and kiln.body == case.expect and ref_ok


def check_form_body_kept(kiln, ref, case):
    # The reference's run() got "" (werkzeug read the body as a form);
    # kiln-serve's got the body as sent.
    k, r = _json(kiln.body), _json(ref.body)
    return (kiln.status == ref.status == 200 and isinstance(k, dict) and isinstance(r, dict)
            and r.get("echo") == "" and k.get("echo") == case.body.decode())


def check_not_found_headers(kiln, ref, case):
    # Flask answers 404/405 outside the blueprint, without the request-id and
    # server-version headers (and without Allow); kiln-serve sends them on
    # every answer, and Allow on 405.
    if kiln.status != ref.status or kiln.body != ref.body:
        return False
    extra = {"x-request-id", "x-ms-request-id", "x-ms-server-version", "allow"}
    diffs = header_differences(kiln, ref, case)
    return all(any(f"header {h}:" in d for h in extra) for d in diffs)


def check_metrics_route(kiln, ref, case):
    return ref.status == 404 and kiln.status == 200 and b"kiln_serve_requests_total" in kiln.body


def check_swagger_text(kiln, ref, case):
    # Same status; for a document, the same kind (swagger / openapi) and the
    # same ServiceInput / ServiceOutput schemas; the prose differs.
    if kiln.status != ref.status:
        return False
    k, r = _json(kiln.body), _json(ref.body)
    if kiln.status != 200:
        return isinstance(k, dict) and "message" in k
    if not (isinstance(k, dict) and isinstance(r, dict)):
        return False
    if k.get("swagger") != r.get("swagger") or k.get("openapi") != r.get("openapi"):
        return False
    defs = (lambda d: d.get("definitions") or d.get("components", {}).get("schemas", {}))
    return all(defs(k).get(n) == defs(r).get(n) for n in ("ServiceInput", "ServiceOutput"))


def check_http_error_body(kiln, ref, case):
    # gunicorn answers malformed HTTP with an HTML page, kiln-serve with JSON;
    # the status is the same.
    return kiln.status == ref.status and kiln.status >= 400 and isinstance(_json(kiln.body), dict)


CHECKS = {
    "error-request-id": check_error_request_id,
    "numpy-encoded": check_numpy_encoded,
    "form-body-kept": check_form_body_kept,
    "not-found-headers": check_not_found_headers,
    "metrics-route": check_metrics_route,
    "swagger-text": check_swagger_text,
    "http-error-body": check_http_error_body,
    "server-version": lambda kiln, ref, case: True,  # a header check, see header_differences
}


def differences(kiln, ref, case):
    diffs = []
    if kiln.status != ref.status:
        diffs.append(f"status: kiln {kiln.status} reference {ref.status}")
    if kiln.body != ref.body:
        diffs.append(f"body: kiln {kiln.body[:300]!r} reference {ref.body[:300]!r}")
    diffs += header_differences(kiln, ref, case)
    return diffs


def main():
    kiln_bin, venv, scripts, model_dir, work = (os.path.abspath(a) for a in sys.argv[1:6])
    dump = "--dump" in sys.argv
    only = [a.split("=", 1)[1] for a in sys.argv if a.startswith("--profile=")]
    ids = deliberate_ids()
    unknown = {d for _, _, _, cases in PROFILES for c in cases for d in c.allow} - set(CHECKS)
    if unknown:
        print(f"cases allow unknown differences: {sorted(unknown)}")
        return 1
    failures, compared, deliberate = [], 0, 0
    for label, script_dir, needs_model, cases in PROFILES:
        if only and label not in only:
            continue
        script = os.path.join(scripts, script_dir, "score.py")
        kiln, ref = start_pair(kiln_bin, venv, script, model_dir if needs_model else os.path.join(work, "none"),
                               {}, os.path.join(work, label), label)
        try:
            for case in cases:
                case.allowed_now = {d for d in case.allow if d in ids} | ({"server-version"} & ids)
                a = send(kiln.port, case.method, case.path, case.headers, case.body, case.raw, case.chunked)
                b = send(ref.port, case.method, case.path, case.headers, case.body, case.raw, case.chunked)
                compared += 1
                diffs = differences(a, b, case)
                if dump:
                    print(f"--- [{label}] {case.name}\n  kiln: {a.status} {a.headers} {a.body[:400]!r}\n"
                          f"  ref:  {b.status} {b.headers} {b.body[:400]!r}")
                if not diffs:
                    print(f"same      [{label}] {case.name}")
                elif explained(a, b, case, ids):
                    deliberate += 1
                    print(f"deliberate [{label}] {case.name} ({', '.join(case.allow)})")
                else:
                    failures.append((label, case.name, diffs))
                    print(f"DIFFERENT [{label}] {case.name}")
                    for d in diffs:
                        print(f"    {d}")
            if kiln.proc.poll() is not None:
                failures.append((label, "kiln-serve exited", [kiln.log()[-2000:]]))
        finally:
            kiln.stop()
            ref.stop()
    print()
    print(f"{compared} requests compared: {compared - deliberate - len(failures)} identical, "
          f"{deliberate} deliberate differences, {len(failures)} unexplained")
    print(f"{compared - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
