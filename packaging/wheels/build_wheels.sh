#!/usr/bin/env bash
# Builds a kiln-serve wheel for each CPython given (default: every 3.8..3.13 in
# pyenv), with PyPI's pybind11, into OUT (default build-wheels/dist).
#
#   packaging/wheels/build_wheels.sh [--out DIR] [VERSION...]    e.g. 3.8.18 3.11.7 3.13.0
#
# The wheel's platform tag is manylinux_<glibc>_x86_64 with <glibc> the newest
# glibc symbol version the binary needs (the build host's); install_serve.py
# refuses older C libraries by that tag. CI builds inside an older-glibc image
# (quay.io/pypa/manylinux_2_28) to ship wheels for glibc >= 2.28.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$root/build-wheels/dist
if [[ ${1:-} == --out ]]; then out=$2; shift 2; fi
versions=("$@")
if [[ ${#versions[@]} -eq 0 ]]; then
  for minor in 8 9 10 11 12 13; do
    v=$(ls -d "$HOME"/.pyenv/versions/3.$minor.* 2>/dev/null | sort -V | tail -1 || true)
    [[ -n $v ]] && versions+=("$(basename "$v")")
  done
fi
venv=${KILN_CACHE:-$HOME/.cache/kiln}/wheel-build-venv
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import pybind11' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/packaging/wheels/requirements.txt"
fi
pybind11_dir=$("$venv/bin/python" -m pybind11 --cmakedir)
serve_version=$(sed -n 's/.*"kiln-serve \([0-9.]*\)".*/\1/p' "$root/server/main.cpp")
for version in "${versions[@]}"; do
  minor=${version#3.}; minor=${minor%%.*}
  tag=cp3$minor
  python=$HOME/.pyenv/versions/$version/bin/python3.$minor
  [[ -x $python ]] || python=$(command -v "python3.$minor")
  build=$root/build-wheels/$tag
  cmake -S "$root/packaging/wheels" -B "$build" -G Ninja -DCMAKE_MESSAGE_LOG_LEVEL=WARNING \
    -DPython_EXECUTABLE="$python" -Dpybind11_DIR="$pybind11_dir"
  nice cmake --build "$build" -j"${KILN_JOBS:-2}" --target kiln-serve
  glibc=$(objdump -T "$build/server/kiln-serve" | grep -o 'GLIBC_2\.[0-9]*' | sort -uV | tail -1)
  glibc=${glibc#GLIBC_2.}
  python3 "$root/packaging/wheels/make_wheel.py" "$build/server/kiln-serve" "$serve_version" \
    "$tag" "manylinux_2_${glibc}_x86_64" "$out"
done
