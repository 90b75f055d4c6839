#!/usr/bin/env bash
# kiln-serve's CPU cost per /score request: user-space instructions and CPU
# time (user + kernel) per request, counted by `perf stat` on the server's
# processes (supervisor and workers) while wrk sends the seeds' diabetes
# request. Unlike requests/s, these hardly change with the machine's load, so
# two builds can be compared on a busy machine.
#
# usage: bench/serve/cpu_per_request.sh [KILN_SERVE_BINARY]
#   KILN_SERVE_BEFORE=/path/to/old/kiln-serve  also measure that binary (rounds alternate)
#   ROUNDS=3 DURATION=5 CONNECTIONS=8 WORKERS=2
#   SPIN_US=0   the scoring thread's spin (KILN_SPIN_US); spinning burns
#               instructions that depend on timing, not on the request, so it
#               is off by default here
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/paths.sh
. "$root/scripts/paths.sh"

who=cpu-per-request
# shellcheck source=scripts/kiln-serve-binary.sh
. "$root/scripts/kiln-serve-binary.sh"
py="$KILN_VENV/bin/python"
[ -x "$py" ] || { echo "$who: run scripts/install-deps.sh first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "$who: wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }
command -v perf >/dev/null || { echo "$who: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
perf stat -e instructions:u true >/dev/null 2>&1 ||
  { echo "$who: perf cannot count instructions here (kernel.perf_event_paranoid, or no PMU in this VM)" >&2; exit 1; }

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
CONNECTIONS=${CONNECTIONS:-8}
WORKERS=${WORKERS:-2}
SPIN_US=${SPIN_US:-0}
before=${KILN_SERVE_BEFORE:-}
[ -z "$before" ] || [ -x "$before" ] || { echo "$who: KILN_SERVE_BEFORE=$before is not executable" >&2; exit 1; }

echo "$who: machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

work=$(mktemp -d)
server_pid="" perf_pid=""
cleanup() {
  [ -z "$perf_pid" ] || kill -INT "$perf_pid" 2>/dev/null || true
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

script="$root/server/examples/diabetes/score.py"
"$py" "$root/server/examples/diabetes/train.py" "$work/model" >/dev/null
export AZUREML_MODEL_DIR="$work/model"
body='{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'
free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

results=()
measure() {  # name binary
  local name=$1 binary=$2 port url pids line requests
  port=$(free_port)
  url="http://127.0.0.1:$port/score"
  VIRTUAL_ENV="$KILN_VENV" AZUREML_ENTRY_SCRIPT="$script" SERVER_PORT=$port WORKER_COUNT=$WORKERS \
    KILN_SPIN_US=$SPIN_US KILN_HOST=127.0.0.1 "$binary" >"$work/$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)" = 200 ] && break
    kill -0 "$server_pid" 2>/dev/null || { echo "$who: $name did not start:" >&2; tail -20 "$work/$name.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -s -H 'Content-Type: application/json' -d "$body" "$url" | grep -q '6039.66' ||
    { echo "$who: $name answered wrongly" >&2; exit 1; }
  # Every worker has served (warm caches, lazy imports done) before counting.
  KILN_BENCH_BODY=$body wrk -t1 -c"$CONNECTIONS" -d2s -s "$here/request.lua" "$url" >/dev/null
  pids=$(
    echo "$server_pid"
    pgrep -P "$server_pid" || true
  )
  perf stat -x, -e instructions:u,task-clock -o "$work/perf" -p "$(echo "$pids" | paste -sd,)" &
  perf_pid=$!
  sleep 0.2
  line=$(KILN_BENCH_BODY=$body perf stat -x, -e instructions:u,task-clock -o "$work/perf-wrk" \
    wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s "$here/request.lua" "$url" | grep '^KILN_RESULT')
  kill -INT "$perf_pid"
  wait "$perf_pid" 2>/dev/null || true
  perf_pid=""
  kill -TERM "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  requests=$(echo "$line" | awk '{print $6}')
  local instructions cpu_ms wrk_instructions wrk_cpu_ms
  instructions=$(awk -F, '$3 ~ /^instructions/ {print $1}' "$work/perf")
  cpu_ms=$(awk -F, '$3 ~ /^task-clock/ {print $1}' "$work/perf")
  wrk_instructions=$(awk -F, '$3 ~ /^instructions/ {print $1}' "$work/perf-wrk")
  wrk_cpu_ms=$(awk -F, '$3 ~ /^task-clock/ {print $1}' "$work/perf-wrk")
  [ -n "$instructions" ] && [ "$instructions" != "<not counted>" ] && [ "$requests" -gt 0 ] ||
    { echo "$who: no count for $name:" >&2; cat "$work/perf" >&2; exit 1; }
  results+=("$name $requests $instructions $cpu_ms $wrk_instructions $wrk_cpu_ms")
  echo "$who: $name: $requests requests; server $instructions instructions, $cpu_ms ms CPU; wrk $wrk_instructions instructions, $wrk_cpu_ms ms CPU" >&2
  sleep 1
}

for round in $(seq 1 "$ROUNDS"); do
  if [ -n "$before" ] && [ $((round % 2)) = 1 ]; then
    measure kiln-serve-before "$before"
    measure kiln-serve "$bin"
  else
    measure kiln-serve "$bin"
    [ -z "$before" ] || measure kiln-serve-before "$before"
  fi
done
echo "$who: load average at the end $(cut -d' ' -f1-3 /proc/loadavg)" >&2

"$py" - "$WORKERS" "$CONNECTIONS" "$DURATION" "$SPIN_US" "${results[@]}" <<'PY'
import statistics
import sys

workers, conns, duration, spin = sys.argv[1:5]
runs = {}
for r in sys.argv[5:]:
    name, requests, instructions, cpu_ms, wrk_instructions, wrk_cpu_ms = r.split()
    n = int(requests)
    runs.setdefault(name, []).append((int(instructions) / n, float(cpu_ms) * 1000 / n,
                                      int(wrk_instructions) / n, float(wrk_cpu_ms) * 1000 / n))
print(f"POST /score (the seeds' two rows), WORKER_COUNT={workers}, KILN_SPIN_US={spin}, wrk -t1 -c{conns} "
      f"-d{duration}s; perf stat on the server's processes; median of {max(len(v) for v in runs.values())} rounds")
print()
print("| server | instructions (user) / request | CPU µs (user+sys) / request | rounds (instructions) | wrk: instructions / request | wrk: CPU µs / request |")
print("|---|---|---|---|---|---|")
for name in ("kiln-serve-before", "kiln-serve"):
    if name not in runs:
        continue
    v = runs[name]
    ins = statistics.median(x[0] for x in v)
    cpu = statistics.median(x[1] for x in v)
    wins = statistics.median(x[2] for x in v)
    wcpu = statistics.median(x[3] for x in v)
    print(f"| {name} | {ins:,.0f} | {cpu:.1f} | {', '.join(f'{x[0]:,.0f}' for x in v)} | {wins:,.0f} | {wcpu:.1f} |")
if "kiln-serve-before" in runs and "kiln-serve" in runs:
    b = statistics.median(x[0] for x in runs["kiln-serve-before"])
    a = statistics.median(x[0] for x in runs["kiln-serve"])
    print()
    print(f"instructions per request, after vs before: {100 * (a - b) / b:+.1f} %")
PY
