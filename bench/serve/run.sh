#!/usr/bin/env bash
# kiln-serve against azureml-inference-server-http (azmlinfsrv), same model,
# same score.py, same load generator (wrk on 127.0.0.1), WORKER_COUNT 1 and 2,
# in one run; plus the ceiling: a plain Python loop calling run().
#
# usage: bench/serve/run.sh [KILN_SERVE_BINARY]
#   ROUNDS=3 DURATION=5 CONNECTIONS=8 WARMUP=2 WORKERS="1 2" bench/serve/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/paths.sh
. "$root/scripts/paths.sh"

who=bench
# shellcheck source=scripts/kiln-serve-binary.sh
. "$root/scripts/kiln-serve-binary.sh"
py="$KILN_VENV/bin/python"
azmlinfsrv="$KILN_VENV/bin/azmlinfsrv"
[ -x "$py" ] && [ -x "$azmlinfsrv" ] || { echo "bench: run scripts/install-deps.sh first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/install-deps.sh)" >&2; exit 1; }

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-2}
CONNECTIONS=${CONNECTIONS:-8}
WORKERS=${WORKERS:-"1 2"}

work=$(mktemp -d)
server_pid=""
cleanup() {
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

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {  # port pid
  for _ in $(seq 1 600); do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

stop_server() {
  kill -TERM "$server_pid" 2>/dev/null || true
  # gunicorn and kiln-serve both drain then exit; do not wait forever.
  for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

results=()
measure() {  # name workers
  local name=$1 workers=$2 port
  port=$(free_port)
  case $name in
    kiln-serve)
      VIRTUAL_ENV="$KILN_VENV" AZUREML_ENTRY_SCRIPT="$script" SERVER_PORT=$port WORKER_COUNT=$workers \
        KILN_HOST=127.0.0.1 "$bin" >"$work/$name-$workers.log" 2>&1 &
      ;;
    azmlinfsrv)
      (cd "$work" && exec "$azmlinfsrv" --entry_script "$script" --model_dir "$work/model" \
        --port "$port" --worker_count "$workers") >"$work/$name-$workers.log" 2>&1 &
      ;;
  esac
  server_pid=$!
  if ! wait_ready "$port" "$server_pid"; then
    echo "bench: $name did not start; its log:" >&2
    tail -30 "$work/$name-$workers.log" >&2
    exit 1
  fi
  # The answer must be the model's before we time anything.
  curl -s -H 'Content-Type: application/json' \
    -d '{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}' "http://127.0.0.1:$port/score" \
    >"$work/answer"
  grep -q '6039.66' "$work/answer" || { echo "bench: $name answered $(cat "$work/answer")" >&2; exit 1; }
  wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$here/score.lua" "http://127.0.0.1:$port/score" >/dev/null
  local line
  line=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$here/score.lua" \
    "http://127.0.0.1:$port/score" | grep '^KILN_RESULT')
  stop_server
  results+=("$name $workers ${line#KILN_RESULT }")
  echo "bench: $name workers=$workers: $line" >&2
}

echo "bench: machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# The machine may be shared and its load may change while this runs, so the
# configurations are measured in ROUNDS interleaved rounds (the plain loop
# too), and the table shows the median of the rounds.
ceilings=()
for round in $(seq 1 "$ROUNDS"); do
  c=$("$py" "$here/plain_loop.py" "$script" "$DURATION")
  ceilings+=("$c")
  echo "bench: round $round: plain Python loop calling run(): $c calls/s" >&2
  for w in $WORKERS; do
    measure azmlinfsrv "$w"
    measure kiln-serve "$w"
  done
done
echo "bench: load average at the end $(cut -d" " -f1-3 /proc/loadavg)" >&2
ceiling=$(printf '%s\n' "${ceilings[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')

# The table (markdown), with the targets: >= 3x azmlinfsrv's requests/s and
# <= 1/3 of its p99 at equal workers, and >= 70% of the plain loop per worker.
"$py" - "$ceiling" "$DURATION" "$CONNECTIONS" "${results[@]}" <<'PY'
import sys
ceiling = float(sys.argv[1]); duration, conns = sys.argv[2], sys.argv[3]
rows = [r.split() for r in sys.argv[4:]]
import statistics
runs = {}
for r in rows:
    runs.setdefault((r[0], int(r[1])), []).append(
        dict(rps=float(r[2]), p50=int(r[3]) / 1000, p99=int(r[4]) / 1000, errors=int(r[5])))
data = {k: dict(rps=statistics.median(x["rps"] for x in v), p50=statistics.median(x["p50"] for x in v),
                p99=statistics.median(x["p99"] for x in v), errors=sum(x["errors"] for x in v), rounds=len(v))
        for k, v in runs.items()}
rounds = max(d["rounds"] for d in data.values())
print(f"wrk -t1 -c{conns} -d{duration}s x {rounds} interleaved rounds (medians), POST /score with the seeds' "
      f"request, 127.0.0.1; plain Python loop calling run(): {ceiling:,.0f} calls/s (median)")
print()
print("| server | workers | requests/s | p50 ms | p99 ms | errors | x azmlinfsrv req/s | p99 / azmlinfsrv p99 | per worker vs plain loop |")
print("|---|---|---|---|---|---|---|---|---|")
for (name, w), d in sorted(data.items(), key=lambda kv: (kv[0][1], kv[0][0] != "azmlinfsrv")):
    ref = data.get(("azmlinfsrv", w))
    speedup = f"{d['rps'] / ref['rps']:.1f}x" if ref and name != "azmlinfsrv" else ""
    p99 = f"{d['p99'] / ref['p99']:.2f}" if ref and name != "azmlinfsrv" and ref["p99"] > 0 else ""
    per = f"{100 * d['rps'] / w / ceiling:.0f}%"
    print(f"| {name} | {w} | {d['rps']:,.0f} | {d['p50']:.2f} | {d['p99']:.2f} | {d['errors']} | {speedup} | {p99} | {per} |")
PY
