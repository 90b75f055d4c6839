#!/usr/bin/env bash
# A Python package index for in-cluster builds, filled from PyPI on the host.
#
#   pypi.sh build    download the wheels of pypi-requirements.txt (and their
#                    dependencies) once per content into $KILN_CACHE/pypi/<key>/,
#                    and write a PEP 503 "simple" index over them; prints the
#                    directory to serve
#
# real_node.sh serves it on the node's bridge address (KILN_PYPI_INDEX in the
# cluster's env file): `pip install --index-url $KILN_PYPI_INDEX ...` in a pod.
# Wheels only, for the host's Python (Debian's python3, as in the images).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../scripts/paths.sh"
requirements="$here/pypi-requirements.txt"
log() { echo "pypi: $*" >&2; }

key=$( (cat "$requirements"; declare -f; /usr/bin/python3 --version) | sha256sum | cut -c1-16)
out="$KILN_CACHE/pypi/$key"

write_index() {  # write_index DIR: DIR/simple/<project>/index.html for DIR/files/*.whl
  /usr/bin/python3 - "$1" <<'PY'
import hashlib, html, os, re, sys
root = sys.argv[1]
projects = {}
for name in sorted(os.listdir(os.path.join(root, "files"))):
    project = re.sub(r"[-_.]+", "-", name.split("-")[0]).lower()
    digest = hashlib.sha256(open(os.path.join(root, "files", name), "rb").read()).hexdigest()
    projects.setdefault(project, []).append((name, digest))
for project, files in projects.items():
    os.makedirs(os.path.join(root, "simple", project))
    links = "".join(f'<a href="../../files/{html.escape(n)}#sha256={d}">{html.escape(n)}</a><br>\n' for n, d in files)
    with open(os.path.join(root, "simple", project, "index.html"), "w") as f:
        f.write(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
with open(os.path.join(root, "simple", "index.html"), "w") as f:
    f.write("<!DOCTYPE html><html><body>\n" +
            "".join(f'<a href="{p}/">{p}</a><br>\n' for p in sorted(projects)) + "</body></html>\n")
PY
}

case ${1:-} in
  build)
    if [ ! -d "$out/simple" ]; then
      start=$SECONDS
      rm -rf "$out.tmp" && mkdir -p "$out.tmp/files"
      /usr/bin/python3 -m pip download --quiet --disable-pip-version-check --only-binary=:all: \
        -r "$requirements" -d "$out.tmp/files" >&2
      write_index "$out.tmp"
      find "$KILN_CACHE/pypi" -mindepth 1 -maxdepth 1 ! -name "$key" ! -name "$key.tmp" -exec rm -rf {} +
      mv "$out.tmp" "$out"
      log "index of $(ls "$out/files" | wc -l) wheels built in $((SECONDS - start)) s"
    fi
    echo "$out"
    ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
