#!/usr/bin/env bash
# kiln-fetch's peak memory (RSS) against the model's size: registers a file of
# each size into a docker-registry started here on a free loopback port, then
# pulls it back, and prints kiln-fetch's maximum resident set size (getrusage
# of the child process) and wall time for each step. Flat RSS across sizes shows
# that no model is ever held in memory.
#
# Usage: bench/fetch/rss.sh [path/to/kiln-fetch] [sizes in MiB...]   (default: 10 1024)
# Needs ~4x the largest size free in $TMPDIR (source, layer, registry, pulled copy).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fetch=${1:-$root/build/fetch/kiln-fetch}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 1024)
[ -x "$fetch" ] || { echo "no kiln-fetch at $fetch (cmake --build build --target kiln-fetch)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/kiln-fetch-bench.XXXXXX")
registry_pid=""
cleanup() {
  local status=$?
  if [ -n "$registry_pid" ]; then
    kill "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/registry.yml" <<YML
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
  sleep 0.1
done

# measure LABEL CMD...: the command's peak RSS (getrusage of the child) and wall time.
measure() {
  local label=$1
  shift
  python3 - "$label" "$@" <<'PY'
import resource, subprocess, sys, time
label, argv = sys.argv[1], sys.argv[2:]
start = time.monotonic()
done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.monotonic() - start
if done.returncode != 0:
    sys.stderr.write(done.stderr.decode(errors="replace"))
    sys.exit(1)
rss_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{label:<22} max RSS {rss_mib:6.1f} MiB   wall {wall:6.2f} s")
PY
}

echo "kiln-fetch $fetch; $(nproc) CPUs, $(uname -m); registry docker-registry $(docker-registry --version | awk '{print $3}')"
for mib in "${sizes[@]}"; do
  src="$work/src-$mib/model.bin"
  mkdir -p "$(dirname "$src")"
  head -c "$((mib * 1024 * 1024))" /dev/urandom >"$src"
  measure "register ${mib} MiB" "$fetch" register --source "file://$src" \
    --repository "127.0.0.1:$port/models/bench/m$mib" --registry-plain-http \
    --work-dir "$work" --result-file "$work/result-$mib"
  image=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["image"])' "$work/result-$mib")
  measure "pull ${mib} MiB" "$fetch" pull --image "$image" --dest "$work/pulled-$mib" \
    --registry-plain-http --result-file -
  cmp "$src" "$work/pulled-$mib/model.bin"
  rm -rf "$work/src-$mib" "$work/pulled-$mib"
done
