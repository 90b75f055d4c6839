#!/usr/bin/env python3
"""Nodes and pods for the scheduler benchmarks, as a Kubernetes List (JSON).

  make_objects.py nodes --prefix P --from A --to B [--mix gpu|mixed] [--kwok] [--label k=v]
  make_objects.py pods --prefix P --count N [--gpus 1,2,4,...] [--scheduler S]
                       [--product A100] [--bind-prefix NODEPREFIX --bind-count M]
                       [--selector k=v] [--host-per-gpu]
"""
import argparse
import json
import sys

U250 = "amd.com/xilinx_u250_gen3x16_xdma_shell_4_1-1612906017"


def node(name, kind, kwok, labels):
    alloc = {"cpu": "64", "memory": "512Gi", "pods": "110"}
    lab = {"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "type": "kwok"}
    ann = {}
    if kind == "a100":
        alloc["nvidia.com/gpu"] = "4"
        lab.update({"nvidia.com/gpu.product": "NVIDIA-A100-SXM4-40GB", "nvidia.com/gpu.memory": "40960"})
    elif kind == "t4":
        alloc["nvidia.com/gpu"] = "2"
        lab.update({"nvidia.com/gpu.product": "Tesla-T4", "nvidia.com/gpu.memory": "15360"})
    elif kind == "mig":
        alloc["nvidia.com/mig-1g.5gb"] = "7"
    elif kind == "fpga":
        alloc[U250] = "2"
        ann["kiln.dev/fpga-bitstreams"] = "abc"
    lab.update(labels)
    if kwok:
        ann.update({"node.alpha.kubernetes.io/ttl": "0", "kwok.x-k8s.io/node": "fake"})
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": lab, "annotations": ann},
            "status": {"allocatable": alloc, "capacity": alloc}}


def pod(name, gpus, scheduler, product, node_name, selector, host_per_gpu):
    res = {"cpu": "10m", "memory": "16Mi"}
    if host_per_gpu and gpus:
        # An inference pod's CPU and memory grow with its GPUs: 4 CPUs, 16 GiB each.
        res = {"cpu": str(4 * gpus), "memory": f"{16 * gpus}Gi"}
    if gpus:
        res["nvidia.com/gpu"] = str(gpus)
    spec = {"schedulerName": scheduler,
            "containers": [{"name": "main", "image": "registry.invalid/model:1",
                            "resources": {"requests": res, "limits": res}}]}
    if node_name:
        spec["nodeName"] = node_name
    if selector:
        spec["nodeSelector"] = selector
    meta = {"name": name}
    if product:
        meta["annotations"] = {"kiln.dev/gpu-product": product}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}


def labels(pairs):
    return dict(p.split("=", 1) for p in pairs or [])


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="what", required=True)
    n = sub.add_parser("nodes")
    n.add_argument("--prefix", required=True)
    n.add_argument("--from", dest="start", type=int, default=0)
    n.add_argument("--to", type=int, required=True)
    n.add_argument("--mix", choices=["gpu", "mixed"], default="gpu")
    n.add_argument("--kwok", action="store_true")
    n.add_argument("--label", action="append")
    q = sub.add_parser("pods")
    q.add_argument("--prefix", required=True)
    q.add_argument("--count", type=int, required=True)
    q.add_argument("--gpus", default="1")
    q.add_argument("--scheduler", default="kiln-scheduler")
    q.add_argument("--product", default="")
    q.add_argument("--bind-prefix", default="")
    q.add_argument("--bind-count", type=int, default=0)
    q.add_argument("--selector", action="append")
    q.add_argument("--host-per-gpu", action="store_true",
                   help="request 4 CPUs and 16 GiB per GPU instead of 10m / 16Mi")
    a = p.parse_args()
    items = []
    if a.what == "nodes":
        mixed = ["a100", "a100", "a100", "a100", "a100", "a100", "t4", "t4", "mig", "fpga"]
        for i in range(a.start, a.to):
            kind = "a100" if a.mix == "gpu" else mixed[i % len(mixed)]
            items.append(node(f"{a.prefix}{i:05d}", kind, a.kwok, labels(a.label)))
    else:
        gpus = [int(g) for g in a.gpus.split(",")]
        for i in range(a.count):
            bound = f"{a.bind_prefix}{(i * 2) % a.bind_count:05d}" if a.bind_prefix else ""
            items.append(pod(f"{a.prefix}{i:05d}", gpus[i % len(gpus)], a.scheduler, a.product,
                             bound, labels(a.selector), a.host_per_gpu))
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, sys.stdout)


if __name__ == "__main__":
    main()
