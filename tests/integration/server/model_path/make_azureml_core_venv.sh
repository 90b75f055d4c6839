#!/usr/bin/env bash
# usage: make_azureml_core_venv.sh [VENV]
# Makes (once) a virtualenv with the real azureml-core, for the test that
# runs a v1 script calling Model.get_model_path against the real package
# (kiln-serve's own small module is used when it is absent). azureml-core is
# large, so it stays out of scripts/requirements.txt; the test skips itself
# when this virtualenv cannot be made (no registry).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
# shellcheck source=scripts/paths.sh
. "$root/scripts/paths.sh"
venv=${1:-$KILN_CACHE/azureml-core-venv}
version=1.61.0.post4
stamp="$venv/.kiln-azureml-core"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then echo "$venv"; exit 0; fi
rm -rf "$venv"
/usr/bin/python3 -m venv "$venv" >&2
"$venv/bin/pip" install --quiet "azureml-core==$version" >&2
echo "$version" >"$stamp"
echo "$venv"
