#!/usr/bin/env bash
# Starts, stops and lists the qtmd processes of a `qtm testnet init` directory: one per
# DIR/nodeI/node.toml, its pid in DIR/nodeI/qtmd.pid and its output in DIR/nodeI/qtmd.log.
# Usage: scripts/testnet.sh start|stop|status DIR
#   QTMD=path/to/qtmd (default: build/bin/qtmd of this checkout, else qtmd on PATH)
# Exit status: start 0 when every node is running 2 s after it was started (1 otherwise,
# with the log's last lines); stop 0; status 0 when every node runs, 3 when some do not.
set -euo pipefail

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
command="$1"
dir="$2"
[[ -d "$dir" ]] || { echo "$0: $dir is not a directory" >&2; exit 2; }
qtmd="${QTMD:-}"
if [[ -z "$qtmd" ]]; then
  if [[ -x "$root_dir/build/bin/qtmd" ]]; then qtmd="$root_dir/build/bin/qtmd"; else qtmd=qtmd; fi
fi

mapfile -t nodes < <(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'node[0-9]*' | sort -V)
[[ ${#nodes[@]} -gt 0 ]] || { echo "$0: no nodeI/ in $dir (run qtm testnet init)" >&2; exit 2; }

running() {  # pid file of a live process
  local pid_file="$1/qtmd.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

case "$command" in
  start)
    failed=0
    for node in "${nodes[@]}"; do
      if running "$node"; then echo "$(basename "$node"): already running (pid $(cat "$node/qtmd.pid"))"; continue; fi
      nohup "$qtmd" --config "$node/node.toml" >"$node/qtmd.log" 2>&1 </dev/null &
      echo $! >"$node/qtmd.pid"
    done
    sleep 2
    for node in "${nodes[@]}"; do
      if running "$node"; then
        echo "$(basename "$node"): running (pid $(cat "$node/qtmd.pid"), log $node/qtmd.log)"
      else
        failed=1
        echo "$(basename "$node"): exited; last lines of $node/qtmd.log:"
        tail -n 5 "$node/qtmd.log" | sed 's/^/    /'
        rm -f "$node/qtmd.pid"
      fi
    done
    exit "$failed"
    ;;
  stop)
    for node in "${nodes[@]}"; do
      if running "$node"; then
        pid="$(cat "$node/qtmd.pid")"
        kill -TERM "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; echo "$(basename "$node"): killed (pid $pid)";
        else echo "$(basename "$node"): stopped (pid $pid)"; fi
      else
        echo "$(basename "$node"): not running"
      fi
      rm -f "$node/qtmd.pid"
    done
    ;;
  status)
    all=0
    for node in "${nodes[@]}"; do
      if running "$node"; then echo "$(basename "$node"): running (pid $(cat "$node/qtmd.pid"))";
      else echo "$(basename "$node"): not running"; all=3; fi
    done
    exit "$all"
    ;;
  *) usage ;;
esac
