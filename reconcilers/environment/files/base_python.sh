#!/bin/sh
# Kiln: find the base image's own Python.
#   base_python.sh venv DIR    make a virtualenv DIR over it (its packages stay visible)
#   base_python.sh exec ARGS   run it with ARGS
set -eu
py=$(command -v python3 || command -v python || true)
if [ -z "$py" ]; then
  echo "kiln: the base image has no python3 or python on its PATH; kiln-serve runs on the image's own CPython (3.8 to 3.13). Choose a base image with Python, or install one in baseDockerfile." >&2
  exit 1
fi
mode=$1
shift
case "$mode" in
  venv)
    if ! "$py" -m venv --system-site-packages "$1"; then
      echo "kiln: $py cannot create a virtual environment (Debian/Ubuntu images: apt-get install python3-venv in baseDockerfile, or set python.userManagedDependencies)." >&2
      exit 1
    fi
    ;;
  exec)
    exec "$py" "$@"
    ;;
  *)
    echo "kiln: base_python.sh: unknown mode $mode" >&2
    exit 2
    ;;
esac
