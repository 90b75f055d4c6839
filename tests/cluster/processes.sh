# Process helpers shared by cluster.sh and real_node.sh. Sourced; expects
# $dir (state directory), $logs (log directory), $pids (pid file) and log().

# start NAME CMD...: runs CMD in its own session (so terminal and ctest signals
# do not reach it), stdio to $logs/NAME.log, and records its pid.
start() {
  local name=$1
  shift
  printf '%q ' "$@" >"$dir/$name.cmd"
  setsid "$@" </dev/null >>"$logs/$name.log" 2>&1 &
  echo "$name $!" >>"$pids"
}

pid_of() { awk -v n="$1" '$1 == n { p = $2 } END { print p }' "$pids" 2>/dev/null; }

# A zombie counts as gone: it has exited and waits only for its (adoptive) parent.
alive() {
  [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null &&
    [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# stop_pids PID...: TERM all at once, then KILL whatever is left after 10 s.
stop_pids() {
  local pid i left
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in $(seq 1 100); do
    left=""
    for pid in "$@"; do alive "$pid" && left+=" $pid"; done
    [ -z "$left" ] && return 0
    sleep 0.1
  done
  log "killing$left (still running 10 s after SIGTERM)"
  for pid in $left; do kill -KILL "$pid" 2>/dev/null || true; done
}

# wait_until SECONDS WHAT CMD...: polls CMD until it succeeds; on timeout shows logs.
wait_until() {
  local limit=$1 what=$2 start=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      log "timed out after ${limit}s waiting for $what; last log lines:"
      tail -n 20 "$logs"/*.log >&2 || true
      return 1
    fi
    sleep 0.25
  done
}

free_ports() {  # free_ports N: N distinct free loopback TCP ports
  python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
}
