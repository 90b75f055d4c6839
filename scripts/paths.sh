# Where Kiln keeps what it builds or installs outside the repository.
# Sourced by the scripts; every path can be overridden from the environment.
: "${KILN_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/kiln}"
: "${KILN_VENV:=$KILN_CACHE/venv}"
export KILN_CACHE KILN_VENV
