#!/usr/bin/env bash
# The README demo's inference part: trains the seeds' sample model (a Ridge
# regression on scikit-learn's diabetes data, pickled), serves it with
# kiln-serve through the seeds' score.py on a free loopback port, POSTs the
# seeds' example request, prints the answer and stops the server.
#
# usage: server/examples/diabetes/demo.sh [KILN_SERVE_BINARY]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=scripts/paths.sh
. "$root/scripts/paths.sh"

who=demo-serve
# shellcheck source=scripts/kiln-serve-binary.sh
. "$root/scripts/kiln-serve-binary.sh"
py="$KILN_VENV/bin/python"
[ -x "$py" ] || { echo "demo-serve: no virtualenv at $KILN_VENV (run scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid"; wait "$pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "demo-serve: training the sample model (Ridge regression, diabetes data set)"
"$py" "$here/train.py" "$work/model" | sed 's/^/demo-serve:   /'

port=$("$py" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "demo-serve: starting kiln-serve on 127.0.0.1:$port with $here/score.py"
VIRTUAL_ENV="$KILN_VENV" AZUREML_ENTRY_SCRIPT="$here/score.py" AZUREML_MODEL_DIR="$work/model" \
  SERVER_PORT="$port" KILN_HOST=127.0.0.1 WORKER_COUNT=1 "$bin" >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "demo-serve: kiln-serve exited; its log:" >&2
    cat "$work/server.log" >&2
    exit 1
  fi
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)" = 200 ] && break
  sleep 0.1
done
echo "demo-serve: GET / -> $(curl -s "http://127.0.0.1:$port/")"

request='{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'
echo "demo-serve: POST /score $request"
answer=$(curl -s -D "$work/headers" -H 'Content-Type: application/json' -d "$request" \
  "http://127.0.0.1:$port/score")
status=$(head -1 "$work/headers" | tr -d '\r')
exec_ms=$(grep -i '^x-ms-run-fn-exec-ms' "$work/headers" | cut -d' ' -f2 | tr -d '\r')
echo "demo-serve: $status (run() took ${exec_ms} ms)"
echo "demo-serve: answer: $answer"

echo "demo-serve: stopping kiln-serve (SIGTERM drains, then exits)"
kill -TERM "$pid"
wait "$pid"
pid=""
case $status in
  *" 200"*) echo "demo-serve: ok" ;;
  *) echo "demo-serve: unexpected answer; server log:" >&2; cat "$work/server.log" >&2; exit 1 ;;
esac
