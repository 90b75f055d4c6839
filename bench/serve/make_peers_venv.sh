#!/usr/bin/env bash
# usage: make_peers_venv.sh kserve|mlserver
# Makes (once) the bench-only virtualenv for one of the Python model servers
# bench/serve/run.sh compares kiln-serve with, from
# bench/serve/<name>-requirements.txt, and prints its path. One made from other
# requirements is rebuilt. Never touches the project's test virtualenv.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=scripts/paths.sh
. "$root/scripts/paths.sh"
name=${1:?usage: make_peers_venv.sh kserve|mlserver}
req="$here/$name-requirements.txt"
[ -f "$req" ] || { echo "make_peers_venv: no $req" >&2; exit 1; }
venv="$KILN_CACHE/bench-$name-venv"
stamp="$venv/.kiln-requirements"
if [ -f "$stamp" ] && cmp -s "$stamp" "$req"; then echo "$venv"; exit 0; fi
rm -rf "$venv"
/usr/bin/python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet --upgrade pip >&2
"$venv/bin/pip" install --quiet -r "$req" >&2
cp "$req" "$stamp"
echo "$venv"
