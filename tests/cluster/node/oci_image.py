#!/usr/bin/env python3
"""Makes OCI images from root filesystems and files, and pushes them to a registry.

    oci_image.py build --out DIR [--rootfs TAR] [--file SRC:DEST[:MODE]]...
                 [--entrypoint JSON] [--cmd JSON] [--env K=V]... [--workdir DIR]
    oci_image.py push DIR REGISTRY/REPOSITORY:TAG

`build` writes an OCI image layout (oci-layout, index.json, blobs/sha256/) with
one gzip layer: the root filesystem tarball (as mmdebstrap writes it; device
nodes are left out, the runtime provides /dev) and/or single files. The layer
is byte-for-byte a function of its inputs (fixed times, owners, order), so the
same inputs give the same digests. `push` uploads the blobs the registry lacks
and the manifest (plain HTTP: the registry is local), and prints the manifest
digest. Standard library only.
"""

import argparse
import datetime
import gzip
import hashlib
import http.client
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.parse

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
CHUNK = 1 << 20


class HashingWriter(io.RawIOBase):
    """A write-only stream that hashes and counts what passes through it."""

    def __init__(self, sink):
        self.sink = sink
        self.sha = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.sink.write(data)


def fail(message):
    print(f"oci_image: {message}", file=sys.stderr)
    sys.exit(1)


def parse_file_spec(spec):
    parts = spec.split(":")
    if len(parts) not in (2, 3) or not parts[0] or not parts[1].startswith("/"):
        fail(f"--file wants SRC:/DEST[:MODE], got {spec!r}")
    mode = int(parts[2], 8) if len(parts) == 3 else 0o755
    if not os.path.isfile(parts[0]):
        fail(f"--file {parts[0]}: no such file")
    return parts[0], parts[1].lstrip("/"), mode


def relative(name):
    """'./usr/bin/' -> 'usr/bin/', './' -> ''"""
    while name.startswith("./"):
        name = name[2:]
    name = name.lstrip("/")
    return "" if name == "." else name


def parents(path):
    """'a/b/c' -> ['a', 'a/b']"""
    pieces = path.split("/")[:-1]
    return ["/".join(pieces[: i + 1]) for i in range(len(pieces))]


def write_layer(out, rootfs, files):
    """Writes the uncompressed layer tar to `out`."""
    with tarfile.open(fileobj=out, mode="w|", format=tarfile.PAX_FORMAT) as layer:
        seen = set()
        if rootfs:
            with tarfile.open(rootfs, mode="r|*") as source:
                for member in source:
                    if member.ischr() or member.isblk() or member.isfifo():
                        continue
                    name = relative(member.name)
                    if not name:
                        continue
                    member.name = name
                    if member.islnk():
                        member.linkname = relative(member.linkname)
                    seen.add(name.rstrip("/"))
                    data = source.extractfile(member) if member.isreg() else None
                    layer.addfile(member, data)
        for src, dest, mode in files:
            for directory in parents(dest):
                if directory in seen:
                    continue
                seen.add(directory)
                info = tarfile.TarInfo(directory)
                info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, EPOCH
                layer.addfile(info)
            info = tarfile.TarInfo(dest)
            info.size, info.mode, info.mtime = os.path.getsize(src), mode, EPOCH
            with open(src, "rb") as data:
                layer.addfile(info, data)


def add_blob(blobs, data=None, path=None):
    """Stores bytes (or moves a file) into blobs/sha256/; returns (digest, size)."""
    if data is not None:
        digest = hashlib.sha256(data).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(data)
        return "sha256:" + digest, len(data)
    sha = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha.update(chunk)
    digest = sha.hexdigest()
    size = os.path.getsize(path)
    shutil.move(path, os.path.join(blobs, digest))
    return "sha256:" + digest, size


def build(args):
    files = [parse_file_spec(spec) for spec in args.file]
    if not args.rootfs and not files:
        fail("build wants --rootfs and/or --file")
    if args.rootfs and not os.path.isfile(args.rootfs):
        fail(f"--rootfs {args.rootfs}: no such file")
    env = []
    for item in args.env:
        if "=" not in item:
            fail(f"--env wants K=V, got {item!r}")
        env.append(item)
    container = {"Env": env or ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]}
    for key, value in (("Entrypoint", args.entrypoint), ("Cmd", args.cmd)):
        if value:
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError as error:
                fail(f"--{key.lower()} is not JSON: {error}")
            if not isinstance(parsed, list) or not all(isinstance(v, str) for v in parsed):
                fail(f"--{key.lower()} wants a JSON list of strings")
            container[key] = parsed
    if args.workdir:
        container["WorkingDir"] = args.workdir

    tmp = args.out + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    blobs = os.path.join(tmp, "blobs", "sha256")
    os.makedirs(blobs)
    compressed = os.path.join(tmp, "layer.tar.gz")
    with open(compressed, "wb") as sink:
        with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=args.level, mtime=0) as gz:
            plain = HashingWriter(gz)
            with io.BufferedWriter(plain, CHUNK) as buffered:
                write_layer(buffered, args.rootfs, files)
    diff_id = "sha256:" + plain.sha.hexdigest()
    layer_digest, layer_size = add_blob(blobs, path=compressed)

    created = datetime.datetime.fromtimestamp(EPOCH, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = {
        "created": created,
        "architecture": "amd64",
        "os": "linux",
        "config": container,
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created": created, "created_by": "tests/cluster/node/oci_image.py"}],
    }
    config_digest, config_size = add_blob(blobs, data=json.dumps(config, sort_keys=True).encode())
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": LAYER_TYPE, "digest": layer_digest, "size": layer_size}],
    }
    manifest_digest, manifest_size = add_blob(blobs, data=json.dumps(manifest, sort_keys=True).encode())
    index = {
        "schemaVersion": 2,
        "manifests": [{"mediaType": MANIFEST_TYPE, "digest": manifest_digest, "size": manifest_size}],
    }
    with open(os.path.join(tmp, "index.json"), "w") as f:
        json.dump(index, f, sort_keys=True)
    with open(os.path.join(tmp, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    shutil.rmtree(args.out, ignore_errors=True)
    os.rename(tmp, args.out)
    print(manifest_digest)


class Registry:
    """The registry's HTTP API v2, over plain HTTP."""

    def __init__(self, host):
        self.host = host

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        except OSError as error:
            fail(f"{method} http://{self.host}{path}: {error}")
        finally:
            conn.close()

    def has_blob(self, repo, digest):
        status, _, _ = self.request("HEAD", f"/v2/{repo}/blobs/{digest}")
        return status == 200

    def upload_blob(self, repo, digest, path):
        status, headers, body = self.request("POST", f"/v2/{repo}/blobs/uploads/")
        location = {k.lower(): v for k, v in headers.items()}.get("location")
        if status != 202 or not location:
            fail(f"starting the upload of {digest} to {repo}: HTTP {status} {body[:200]!r}")
        url = urllib.parse.urlsplit(location)
        query = (url.query + "&" if url.query else "") + "digest=" + urllib.parse.quote(digest)
        with open(path, "rb") as data:
            status, _, body = self.request(
                "PUT",
                f"{url.path}?{query}",
                body=data,
                headers={"Content-Type": "application/octet-stream", "Content-Length": str(os.path.getsize(path))},
            )
        if status != 201:
            fail(f"uploading {digest} to {repo}: HTTP {status} {body[:200]!r}")

    def put_manifest(self, repo, tag, manifest):
        status, _, body = self.request(
            "PUT", f"/v2/{repo}/manifests/{tag}", body=manifest, headers={"Content-Type": MANIFEST_TYPE}
        )
        if status != 201:
            fail(f"putting the manifest {repo}:{tag}: HTTP {status} {body[:200]!r}")


def push(args):
    host, _, rest = args.reference.partition("/")
    repo, sep, tag = rest.rpartition(":")
    if not host or not sep or not repo or not tag:
        fail(f"push wants REGISTRY/REPOSITORY:TAG, got {args.reference!r}")
    try:
        with open(os.path.join(args.layout, "index.json")) as f:
            manifest_digest = json.load(f)["manifests"][0]["digest"]
    except (OSError, KeyError, IndexError, json.JSONDecodeError) as error:
        fail(f"{args.layout} is not an image layout made by `build`: {error}")
    blobs = os.path.join(args.layout, "blobs", "sha256")
    manifest_bytes = open(os.path.join(blobs, manifest_digest.split(":", 1)[1]), "rb").read()
    manifest = json.loads(manifest_bytes)
    registry = Registry(host)
    for blob in [manifest["config"], *manifest["layers"]]:
        if not registry.has_blob(repo, blob["digest"]):
            registry.upload_blob(repo, blob["digest"], os.path.join(blobs, blob["digest"].split(":", 1)[1]))
    registry.put_manifest(repo, tag, manifest_bytes)
    print(manifest_digest)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("build", help="write an OCI image layout")
    b.add_argument("--out", required=True)
    b.add_argument("--rootfs", help="a root filesystem tarball (e.g. from mmdebstrap)")
    b.add_argument("--file", action="append", default=[], help="SRC:/DEST[:MODE] (octal, default 755)")
    b.add_argument("--entrypoint")
    b.add_argument("--cmd")
    b.add_argument("--env", action="append", default=[])
    b.add_argument("--workdir")
    b.add_argument("--level", type=int, default=6, help="gzip level")
    p = commands.add_parser("push", help="push an image layout to a registry")
    p.add_argument("layout")
    p.add_argument("reference")
    args = parser.parse_args()
    {"build": build, "push": push}[args.command](args)


if __name__ == "__main__":
    main()
