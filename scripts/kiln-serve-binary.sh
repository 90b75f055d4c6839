# Sourced by the scripts that run kiln-serve (the demo, the benchmark): sets
# $bin to the kiln-serve to run — the first argument, else $KILN_SERVE_BIN,
# else the one in build/ — and fails with a clear message when none is built.
# Needs $root (the repository) and the caller's name in $who.
bin=${1:-${KILN_SERVE_BIN:-$root/build/server/kiln-serve}}
[ -x "$bin" ] || { echo "$who: kiln-serve is not built (cmake --build build --target kiln-serve)" >&2; exit 1; }
