#!/usr/bin/env bash
# Proves the kiln-serve wheels on real CPythons: for each version, a virtualenv
# with scikit-learn, the seeds' diabetes model trained in it, kiln-serve
# installed by reconcilers/environment/files/install_serve.py exactly as a
# built image does, and the seeds' request answered with the model's own
# prediction. An interpreter outside 3.8..3.13 must be refused with a clear
# error. Exit 77 (skipped) when no wheels have been built.
#
#   packaging/wheels/test_wheels.sh [--wheels DIR] [VERSION...]   default 3.8.18 3.11.7 3.13.0
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
wheels=$root/build-wheels/dist
if [[ ${1:-} == --wheels ]]; then wheels=$2; shift 2; fi
versions=("$@")
[[ ${#versions[@]} -gt 0 ]] || versions=(3.8.18 3.11.7 3.13.0)
if ! ls "$wheels"/kiln_serve-*.whl >/dev/null 2>&1; then
  echo "no wheels in $wheels (packaging/wheels/build_wheels.sh builds them): skipped"
  exit 77
fi
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
venvs=${KILN_CACHE:-$HOME/.cache/kiln}/serve-test-venvs
installer=$root/reconcilers/environment/files/install_serve.py
request='{"data": [[1,2,3,4,5,6,7,8,9,10],[10,9,8,7,6,5,4,3,2,1]]}'
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
failures=0

for version in "${versions[@]}"; do
  minor=${version#3.}; minor=${minor%%.*}
  tag=cp3$minor
  base=$HOME/.pyenv/versions/$version/bin/python3.$minor
  venv=$venvs/$tag
  if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import sklearn, joblib' 2>/dev/null; then
    "$base" -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check numpy scikit-learn joblib
  fi
  models=$work/$tag/models
  "$venv/bin/python" "$root/server/examples/diabetes/train.py" "$models" --expected "$models/expected.json" >/dev/null
  "$venv/bin/python" "$installer" "$wheels" "$work/$tag/serve" "$work/$tag/bin/kiln-serve"
  port=$(free_port)
  KILN_HOST=127.0.0.1 "$work/$tag/bin/kiln-serve" --entry-script "$root/server/examples/diabetes/score.py" \
    --model-dir "$models" --port "$port" >"$work/$tag/serve.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
    sleep 0.2
  done
  answer=$(curl -sf -H 'Content-Type: application/json' -d "$request" "http://127.0.0.1:$port/score" || true)
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
  if python3 - "$answer" "$models/expected.json" <<'PY'
import json, sys
answer, expected = json.loads(sys.argv[1] or "null"), json.load(open(sys.argv[2]))["sklearn"]
sys.exit(0 if answer == expected else 1)
PY
  then
    echo "PASS CPython $version: /score answered $answer (the model's own prediction)"
    grep -m1 -o 'embedding.*' "$work/$tag/bin/kiln-serve" | sed 's/^/     launcher: /'
  else
    echo "FAIL CPython $version: /score answered '$answer', expected $(cat "$models/expected.json")"
    cat "$work/$tag/serve.log"
    failures=$((failures + 1))
  fi
done

# An interpreter kiln-serve does not ship for: a clear refusal, nothing installed.
old=$(ls -d "$HOME"/.pyenv/versions/3.6.* "$HOME"/.pyenv/versions/3.7.* 2>/dev/null | head -1 || true)
if [[ -n $old ]]; then
  if message=$("$old/bin/python3" "$installer" "$wheels" "$work/old/serve" "$work/old/bin/kiln-serve" 2>&1); then
    echo "FAIL $(basename "$old"): install_serve.py accepted it"; failures=$((failures + 1))
  elif [[ $message == *"kiln-serve ships for CPython 3.8 to 3.13"* && ! -e $work/old/serve ]]; then
    echo "PASS CPython $(basename "$old") refused: $message"
  else
    echo "FAIL $(basename "$old"): unclear refusal: $message"; failures=$((failures + 1))
  fi
fi
exit $((failures > 0))
