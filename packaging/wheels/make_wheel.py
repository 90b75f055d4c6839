"""Packs a kiln-serve binary built for one CPython into a wheel, deterministically
(sorted entries, fixed timestamps), so the same binary gives the same wheel.

usage: make_wheel.py BINARY VERSION PYTHON_TAG PLATFORM_TAG OUT_DIR
  e.g. make_wheel.py build-wheels/cp311/server/kiln-serve 0.1.0 cp311 manylinux_2_36_x86_64 dist/
"""

import base64
import hashlib
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = (1980, 1, 1, 0, 0, 0)


def record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    binary, version, python_tag, platform_tag, out_dir = sys.argv[1:]
    minor = python_tag[3:]
    dist_info = "kiln_serve-%s.dist-info" % version
    with open(binary, "rb") as f:
        files = {"kiln_serve/bin/kiln-serve": (f.read(), 0o755)}
    for name in ("__init__.py", "__main__.py"):
        with open(os.path.join(HERE, "kiln_serve", name), "rb") as f:
            files["kiln_serve/" + name] = (f.read().replace(b"@VERSION@", version.encode()), 0o644)
    files[dist_info + "/METADATA"] = (
        ("Metadata-Version: 2.1\nName: kiln-serve\nVersion: %s\n"
         "Summary: Kiln's inference server for Azure ML entry scripts (score.py)\n"
         "Requires-Python: ==3.%s.*\n" % (version, minor)).encode(), 0o644)
    files[dist_info + "/WHEEL"] = (
        ("Wheel-Version: 1.0\nGenerator: kiln make_wheel.py\nRoot-Is-Purelib: false\n"
         "Tag: %s-%s-%s\n" % (python_tag, python_tag, platform_tag)).encode(), 0o644)
    files[dist_info + "/entry_points.txt"] = (
        b"[console_scripts]\nkiln-serve = kiln_serve.__main__:main\n", 0o644)
    record = dist_info + "/RECORD"
    lines = [record_line(path, data) for path, (data, _) in sorted(files.items())]
    files[record] = (("\n".join(lines + [record + ",,"]) + "\n").encode(), 0o644)

    os.makedirs(out_dir, exist_ok=True)
    name = "kiln_serve-%s-%s-%s-%s.whl" % (version, python_tag, python_tag, platform_tag)
    path = os.path.join(out_dir, name)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in sorted(files):
            data, mode = files[entry]
            info = zipfile.ZipInfo(entry, EPOCH)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    print(path)


if __name__ == "__main__":
    main()
