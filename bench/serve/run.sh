#!/usr/bin/env bash
# kiln-serve against the Python model servers, same model (the seeds'
# diabetes Ridge regression), same data (the seeds' two rows), same load
# generator (wrk on 127.0.0.1), in one run:
#   - azureml-inference-server-http (azmlinfsrv), the seeds' score.py, WORKER_COUNT 1 and 2
#   - kiln-serve, the same score.py, WORKER_COUNT 1 and 2
#   - kiln-serve as it was before a change ($KILN_SERVE_BEFORE, optional), same
#   - KServe's ModelServer with a custom predictor (v1 protocol), one worker
#   - MLServer with mlserver-sklearn (v2 protocol), one inference worker
# plus the ceiling: a plain Python loop calling run(). KServe and MLServer
# live in bench-only virtualenvs made by make_peers_venv.sh (PEERS=0 skips them).
#
# usage: bench/serve/run.sh [KILN_SERVE_BINARY]
#   ROUNDS=3 DURATION=5 CONNECTIONS=8 WARMUP=2 WORKERS="1 2" PEERS=1 \
#   KILN_SERVE_BEFORE=/path/to/old/kiln-serve bench/serve/run.sh
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
PEERS=${PEERS:-1}
before=${KILN_SERVE_BEFORE:-}
[ -z "$before" ] || [ -x "$before" ] || { echo "bench: KILN_SERVE_BEFORE=$before is not executable" >&2; exit 1; }

echo "bench: machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average at the start $(cut -d' ' -f1-3 /proc/loadavg)" >&2

kserve_venv="" mlserver_venv=""
if [ "$PEERS" = 1 ]; then
  kserve_venv=$("$here/make_peers_venv.sh" kserve)
  mlserver_venv=$("$here/make_peers_venv.sh" mlserver)
fi

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

rows='[[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]'
aml_body="{\"data\": $rows}"
kserve_body="{\"instances\": $rows}"
mlserver_body="{\"inputs\": [{\"name\": \"predict\", \"shape\": [2, 10], \"datatype\": \"FP64\", \"data\": $rows}]}"

# MLServer's model repository: the same pickled model, mlserver-sklearn's runtime.
mkdir -p "$work/mlserver/diabetes"
cp "$work/model/sklearn_regression_model.pkl" "$work/mlserver/diabetes/model.pkl"
cat >"$work/mlserver/diabetes/model-settings.json" <<'JSON'
{"name": "diabetes", "implementation": "mlserver_sklearn.SKLearnModel", "parameters": {"uri": "./model.pkl"}}
JSON

free_port() { "$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_ready() {  # url pid
  for _ in $(seq 1 900); do
    kill -0 "$2" 2>/dev/null || return 1
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}

stop_server() {
  # Every server drains then exits on SIGTERM; do not wait forever.
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
  pkill -KILL -P "$server_pid" 2>/dev/null || true  # its workers (gunicorn, MLServer's pool)
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  sleep 1  # let the machine settle before the next server
}

results=()
measure() {  # name workers
  local name=$1 workers=$2 port ready url body
  port=$(free_port)
  ready="http://127.0.0.1:$port/" url="http://127.0.0.1:$port/score" body=$aml_body
  case $name in
    kiln-serve | kiln-serve-before)
      local binary=$bin
      [ "$name" = kiln-serve-before ] && binary=$before
      VIRTUAL_ENV="$KILN_VENV" AZUREML_ENTRY_SCRIPT="$script" SERVER_PORT=$port WORKER_COUNT=$workers \
        KILN_HOST=127.0.0.1 "$binary" >"$work/$name-$workers.log" 2>&1 &
      ;;
    azmlinfsrv)
      (cd "$work" && exec "$azmlinfsrv" --entry_script "$script" --model_dir "$work/model" \
        --port "$port" --worker_count "$workers") >"$work/$name-$workers.log" 2>&1 &
      ;;
    kserve)
      "$kserve_venv/bin/python" "$here/kserve_predictor.py" "$work/model" "$port" >"$work/$name.log" 2>&1 &
      ready="http://127.0.0.1:$port/v1/models/diabetes" url="http://127.0.0.1:$port/v1/models/diabetes:predict"
      body=$kserve_body
      ;;
    mlserver)
      cat >"$work/mlserver/settings.json" <<JSON
{"host": "127.0.0.1", "http_port": $port, "grpc_port": $(free_port), "metrics_port": $(free_port), "parallel_workers": 1}
JSON
      (cd "$work/mlserver" && exec "$mlserver_venv/bin/mlserver" start .) >"$work/$name.log" 2>&1 &
      ready="http://127.0.0.1:$port/v2/models/diabetes/ready" url="http://127.0.0.1:$port/v2/models/diabetes/infer"
      body=$mlserver_body
      ;;
  esac
  server_pid=$!
  if ! wait_ready "$ready" "$server_pid"; then
    echo "bench: $name did not start; its log:" >&2
    tail -30 "$work/$name"*.log >&2
    exit 1
  fi
  # The answer must be the model's before we time anything.
  curl -s -H 'Content-Type: application/json' -d "$body" "$url" >"$work/answer"
  grep -q '6039.66' "$work/answer" || { echo "bench: $name answered $(cat "$work/answer")" >&2; exit 1; }
  KILN_BENCH_BODY=$body wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$here/request.lua" "$url" >/dev/null
  local line
  line=$(KILN_BENCH_BODY=$body wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$here/request.lua" \
    "$url" | grep '^KILN_RESULT')
  stop_server
  results+=("$name $workers ${line#KILN_RESULT }")
  echo "bench: $name workers=$workers: $line" >&2
}

# The machine may be shared and its load may change while this runs, so the
# configurations are measured in ROUNDS interleaved rounds (the plain loop
# too), and the table shows the median of the rounds.
ceilings=()
for round in $(seq 1 "$ROUNDS"); do
  c=$("$py" "$here/plain_loop.py" "$script" "$DURATION")
  ceilings+=("$c")
  echo "bench: round $round: plain Python loop calling run(): $c calls/s" >&2
  # Whatever runs right after another server pays for its shutdown (and
  # for load that changes over time): the order rotates from round to round.
  names=(azmlinfsrv kiln-serve)
  [ -z "$before" ] || names+=(kiln-serve-before)
  shift_by=$(((round - 1) % ${#names[@]}))
  names=("${names[@]:$shift_by}" "${names[@]:0:$shift_by}")
  for w in $WORKERS; do
    for name in "${names[@]}"; do measure "$name" "$w"; done
  done
  if [ "$PEERS" = 1 ]; then
    measure kserve 1
    measure mlserver 1
  fi
done
echo "bench: load average at the end $(cut -d" " -f1-3 /proc/loadavg)" >&2
ceiling=$(printf '%s\n' "${ceilings[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')

# The table (markdown): throughput and latency against azmlinfsrv's at equal
# workers, and per worker against the plain loop.
"$py" - "$ceiling" "$DURATION" "$CONNECTIONS" "${results[@]}" <<'PY'
import statistics
import sys

ceiling = float(sys.argv[1]); duration, conns = sys.argv[2], sys.argv[3]
rows = [r.split() for r in sys.argv[4:]]
runs = {}
for r in rows:
    runs.setdefault((r[0], int(r[1])), []).append(
        dict(rps=float(r[2]), p50=int(r[3]) / 1000, p99=int(r[4]) / 1000, errors=int(r[5])))
data = {k: dict(rps=statistics.median(x["rps"] for x in v), p50=statistics.median(x["p50"] for x in v),
                p99=statistics.median(x["p99"] for x in v), errors=sum(x["errors"] for x in v), rounds=len(v))
        for k, v in runs.items()}
rounds = max(d["rounds"] for d in data.values())
protocol = {"azmlinfsrv": "Azure ML /score", "kiln-serve": "Azure ML /score", "kiln-serve-before": "Azure ML /score",
            "kserve": "KServe v1 :predict", "mlserver": "Open Inference (v2) /infer"}
order = ["azmlinfsrv", "kiln-serve-before", "kiln-serve", "kserve", "mlserver"]
print(f"wrk -t1 -c{conns} -d{duration}s x {rounds} interleaved rounds (medians), POST of the seeds' two rows in "
      f"each server's protocol, 127.0.0.1; plain Python loop calling run(): {ceiling:,.0f} calls/s (median)")
print()
print("| server | protocol | workers | requests/s | p50 ms | p99 ms | errors | x azmlinfsrv req/s | p99 / azmlinfsrv p99 | per worker vs plain loop |")
print("|---|---|---|---|---|---|---|---|---|---|")
for (name, w), d in sorted(data.items(), key=lambda kv: (kv[0][1], order.index(kv[0][0]))):
    ref = data.get(("azmlinfsrv", w))
    speedup = f"{d['rps'] / ref['rps']:.1f}x" if ref and name != "azmlinfsrv" else ""
    p99 = f"{d['p99'] / ref['p99']:.2f}" if ref and name != "azmlinfsrv" and ref["p99"] > 0 else ""
    per = f"{100 * d['rps'] / w / ceiling:.0f}%"
    print(f"| {name} | {protocol[name]} | {w} | {d['rps']:,.0f} | {d['p50']:.2f} | {d['p99']:.2f} | {d['errors']} "
          f"| {speedup} | {p99} | {per} |")
PY
