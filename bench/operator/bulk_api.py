#!/usr/bin/env python3
"""Bulk API writes and a readiness watch for bench/operator/isvc_to_ready.sh.

Talks to the API server directly (client certificate from the kubeconfig),
with keep-alive connections, so the client's own cost stays small and is
the same for every phase:

  bulk_api.py apply KUBECONFIG FILE [--threads N] [--field-manager M]
      server-side applies every object of FILE (a JSON List), N at a time.
  bulk_api.py status KUBECONFIG FILE [--threads N]
      merge-patches the status subresource with each item's "status".
  bulk_api.py wait KUBECONFIG WHAT NAMESPACE COUNT [--exist] [--timeout S]
      lists and watches WHAT (deployments | kiln | kserve) in NAMESPACE until
      COUNT objects are ready (Deployment: an available replica of the
      current generation; InferenceService: condition Ready=True), or exist
      with --exist, then prints the time (seconds since the epoch) it saw
      the last one. A watch, not polling: the wait adds almost no load.
"""
import argparse
import http.client
import json
import queue
import ssl
import sys
import threading
import time
import urllib.parse

import yaml

PLURALS = {
    ("apps/v1", "Deployment"): "/apis/apps/v1/namespaces/{ns}/deployments",
    ("v1", "Service"): "/api/v1/namespaces/{ns}/services",
    ("v1", "Secret"): "/api/v1/namespaces/{ns}/secrets",
    ("v1", "ConfigMap"): "/api/v1/namespaces/{ns}/configmaps",
    ("autoscaling/v2", "HorizontalPodAutoscaler"):
        "/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers",
    ("policy/v1", "PodDisruptionBudget"): "/apis/policy/v1/namespaces/{ns}/poddisruptionbudgets",
    ("kiln.dev/v1alpha1", "InferenceService"):
        "/apis/kiln.dev/v1alpha1/namespaces/{ns}/inferenceservices",
    ("serving.kserve.io/v1beta1", "InferenceService"):
        "/apis/serving.kserve.io/v1beta1/namespaces/{ns}/inferenceservices",
}
WATCHED = {
    "deployments": "/apis/apps/v1/namespaces/{ns}/deployments",
    "kiln": "/apis/kiln.dev/v1alpha1/namespaces/{ns}/inferenceservices",
    "kserve": "/apis/serving.kserve.io/v1beta1/namespaces/{ns}/inferenceservices",
}


class Api:
    def __init__(self, kubeconfig):
        cfg = yaml.safe_load(open(kubeconfig))
        cluster = cfg["clusters"][0]["cluster"]
        user = cfg["users"][0]["user"]
        url = urllib.parse.urlparse(cluster["server"])
        self.host, self.port = url.hostname, url.port
        self.ctx = ssl.create_default_context(cafile=cluster["certificate-authority"])
        self.ctx.load_cert_chain(user["client-certificate"], user["client-key"])

    def connection(self, timeout=60):
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=timeout)


def request(conn, method, path, body=None, content_type=None):
    headers = {"Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type
    for attempt in range(5):
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status == 429 or resp.status >= 500:
            time.sleep(0.5 * (attempt + 1))
            continue
        if resp.status >= 300:
            raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")
        return json.loads(data) if data else None
    raise RuntimeError(f"{method} {path}: gave up after retries")


def path_of(obj):
    base = PLURALS[(obj["apiVersion"], obj["kind"])]
    return base.format(ns=obj["metadata"]["namespace"]) + "/" + obj["metadata"]["name"]


def run_threads(api, items, threads, work):
    q = queue.Queue()
    for item in items:
        q.put(item)
    errors = []

    def worker():
        conn = api.connection()
        while True:
            try:
                item = q.get_nowait()
            except queue.Empty:
                return
            try:
                work(conn, item)
            except Exception as e:  # noqa: BLE001 - reported, then the run fails
                errors.append(str(e))
                conn.close()
                conn = api.connection()

    ts = [threading.Thread(target=worker) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        sys.exit(f"bulk_api: {len(errors)} requests failed, first: {errors[0]}")


def cmd_apply(args):
    api = Api(args.kubeconfig)
    items = json.load(open(args.file))["items"]
    query = "?" + urllib.parse.urlencode({"fieldManager": args.field_manager, "force": "true"})

    def work(conn, obj):
        request(conn, "PATCH", path_of(obj) + query, json.dumps(obj), "application/apply-patch+yaml")

    run_threads(api, items, args.threads, work)


def cmd_status(args):
    api = Api(args.kubeconfig)
    items = json.load(open(args.file))["items"]

    def work(conn, obj):
        body = json.dumps({"status": obj["status"]})
        request(conn, "PATCH", path_of(obj) + "/status", body, "application/merge-patch+json")

    run_threads(api, items, args.threads, work)


def ready(what, obj):
    status = obj.get("status") or {}
    if what == "deployments":
        return (status.get("availableReplicas", 0) >= 1 and
                status.get("observedGeneration", 0) >= obj["metadata"].get("generation", 0))
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in status.get("conditions") or [])


def cmd_wait(args):
    api = Api(args.kubeconfig)
    base = WATCHED[args.what].format(ns=args.namespace)
    state = {}
    deadline = time.time() + args.timeout
    while True:
        conn = api.connection(timeout=args.timeout)
        listed = request(conn, "GET", base)
        state = {o["metadata"]["name"]: args.exist or ready(args.what, o)
                 for o in listed["items"]}
        rv = listed["metadata"]["resourceVersion"]
        if sum(state.values()) >= args.count:
            break
        q = urllib.parse.urlencode({"watch": "1", "resourceVersion": rv,
                                    "allowWatchBookmarks": "true", "timeoutSeconds": "300"})
        conn.request("GET", base + "?" + q, headers={"Accept": "application/json"})
        resp = conn.getresponse()
        done = False
        while not done:
            line = resp.readline()
            if not line:
                break  # the server ended the watch: list again
            ev = json.loads(line)
            if ev["type"] == "ERROR":
                break
            o = ev["object"]
            if ev["type"] == "DELETED":
                state.pop(o["metadata"]["name"], None)
            elif ev["type"] != "BOOKMARK":
                state[o["metadata"]["name"]] = args.exist or ready(args.what, o)
            done = sum(state.values()) >= args.count
        conn.close()
        if done:
            break
        if time.time() > deadline:
            sys.exit(f"bulk_api: {sum(state.values())} of {args.count} ready after {args.timeout} s")
    print(f"{time.time():.3f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("apply")
    a.add_argument("kubeconfig")
    a.add_argument("file")
    a.add_argument("--threads", type=int, default=4)
    a.add_argument("--field-manager", default="bench")
    s = sub.add_parser("status")
    s.add_argument("kubeconfig")
    s.add_argument("file")
    s.add_argument("--threads", type=int, default=4)
    w = sub.add_parser("wait")
    w.add_argument("kubeconfig")
    w.add_argument("what", choices=sorted(WATCHED))
    w.add_argument("namespace")
    w.add_argument("count", type=int)
    w.add_argument("--exist", action="store_true")
    w.add_argument("--timeout", type=float, default=3600)
    args = p.parse_args()
    {"apply": cmd_apply, "status": cmd_status, "wait": cmd_wait}[args.cmd](args)


if __name__ == "__main__":
    main()
