#!/usr/bin/env bash
# How a validator network of many processes on one machine behaves: N qtmd validators on
# loopback from `qtm testnet init` (opt-in: 100 validators need ~15 GiB of memory and a
# block time of seconds on 2 cores). Measures, after the first committed block, the time
# per block over --blocks blocks, the CPU all nodes used per block (summed from
# /proc/PID/stat), each process's resident memory, and the signers of the last block's
# commit certificate (qtm_getCommit). The nodes start 12 at a time (each keystore unlock
# takes 256 MiB of scrypt memory for a moment). Builds nothing: build/bin or $QTM_BIN_DIR.
#
#   bench/cluster_scale.sh [--validators 100] [--block-time 10000] [--blocks 5]
#                          [--base-port 25000] [--start-timeout 600] [--peers 8]
# --peers K: each node's persistent peers are the next K nodes (a ring with chords) instead
# of all the others, so that a node holds about 2K connections (with peer exchange on, as
# qtmd's default, it may dial a few more); 0 keeps testnet init's full mesh.
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${QTM_BIN_DIR:-$root_dir/build/bin}"
validators=100 block_time=10000 blocks=5 base_port=25000 start_timeout=600 peers=8
while [[ $# -gt 0 ]]; do
  case "$1" in
    --validators) validators="$2"; shift 2 ;;
    --block-time) block_time="$2"; shift 2 ;;
    --blocks) blocks="$2"; shift 2 ;;
    --base-port) base_port="$2"; shift 2 ;;
    --start-timeout) start_timeout="$2"; shift 2 ;;
    --peers) peers="$2"; shift 2 ;;
    -h|--help) sed -n 2,13p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster_scale: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
for program in qtm qtmd; do
  [[ -x "$bin/$program" ]] || { echo "cluster_scale: $bin/$program is missing (scripts/build.sh)" >&2; exit 2; }
done
dir="$(mktemp -d /tmp/qtm-cluster-scale.XXXXXX)"
cleanup() {
  QTMD="$bin/qtmd" "$root_dir/scripts/testnet.sh" stop "$dir/net" >/dev/null 2>&1 || true
  # A starved node may not stop in the grace time testnet.sh gives: nothing is left running.
  for pid_file in "$dir"/net/node*/qtmd.pid; do
    [[ -f "$pid_file" ]] && kill -9 "$(cat "$pid_file")" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT

rpc() {  # URL METHOD PARAMS -> the result's text
  curl -s -m 5 -H 'content-type: application/json' \
    -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "$1" 2>/dev/null || true
}
height() { rpc "$1" eth_blockNumber '[]' | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p'; }
cpu_ticks() {  # the sum of user + system ticks of every node
  local total=0 pid
  for ((i = 0; i < validators; ++i)); do
    pid=$(cat "$dir/net/node$i/qtmd.pid")
    total=$(( total + $(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat") ))
  done
  echo "$total"
}

echo "cluster_scale: $validators validators, block time $block_time ms, $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(date -u +%FT%TZ)"
init_start=$(date +%s)
"$bin/qtm" testnet init --validators "$validators" --block-time "$block_time" \
  --base-port "$base_port" --out "$dir/net" >/dev/null
echo "testnet init: $(( $(date +%s) - init_start )) s"
if (( peers > 0 )); then
  node - "$dir/net" "$validators" "$peers" <<'JS'
const fs = require('fs');
const [dir, n, k] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const file = (i) => `${dir}/node${i}/node.toml`;
const url = new Map();  // p2p port -> qtm://id@host:port, from the other nodes' lists
for (let i = 0; i < Math.min(n, 2); ++i) {
  for (const m of fs.readFileSync(file(i), 'utf8').matchAll(/"(qtm:\/\/[^"]*:(\d+))"/g)) url.set(Number(m[2]), m[1]);
}
const port = (i) => Number(/p2p-port = (\d+)/.exec(fs.readFileSync(file(i), 'utf8'))[1]);
for (let i = 0; i < n; ++i) {
  const mine = [];
  for (let d = 1; d <= Math.min(k, n - 1); ++d) mine.push(url.get(port((i + d) % n)));
  const text = fs.readFileSync(file(i), 'utf8')
    .replace(/persistent-peers = \[[^\]]*\]/, `persistent-peers = [\n${mine.map((u) => `  "${u}",`).join('\n')}\n]`);
  fs.writeFileSync(file(i), text);
}
JS
  echo "persistent peers: the next $peers nodes each"
fi
start=$(date +%s)
# Started in batches: each validator unlocks its keystore with scrypt (256 MiB for about a
# second), and 100 at once exhausted the machine's 24 GiB (the OOM killer took nodes).
batch=()
for ((i = 0; i < validators; ++i)); do
  node_dir="$dir/net/node$i"
  nohup "$bin/qtmd" --config "$node_dir/node.toml" >"$node_dir/qtmd.log" 2>&1 </dev/null &
  echo $! >"$node_dir/qtmd.pid"
  batch+=($!)
  if (( ${#batch[@]} == 12 || i == validators - 1 )); then
    sleep 1.5  # the unlock starts after the spec and the data directory are read
    for _ in $(seq 1 40); do  # until the batch's processes are past the unlock
      big=0
      for pid in "${batch[@]}"; do
        rss=$(ps -o rss= -p "$pid" 2>/dev/null || echo 0)
        (( rss > 150000 )) && big=1
      done
      (( big == 0 )) && break
      sleep 0.5
    done
    batch=()
  fi
done
url="http://127.0.0.1:$((base_port + 1))"
h=""
while (( $(date +%s) - start < start_timeout )); do
  h=$(height "$url")
  [[ -n "$h" && "$h" != "0x0" ]] && break
  sleep 2
done
[[ -n "$h" && "$h" != "0x0" ]] || { echo "cluster_scale: no block within $start_timeout s" >&2; tail -5 "$dir/net/node0/qtmd.log" >&2; exit 1; }
echo "first block after $(( $(date +%s) - start )) s"

h0=$(( h )); t0=$(date +%s.%N); c0=$(cpu_ticks)
target=$(( h0 + blocks ))
deadline=$(( $(date +%s) + blocks * (block_time / 1000 + 1) * 6 + 60 ))
while (( $(date +%s) < deadline )); do
  h=$(( $(height "$url") ))
  (( h >= target )) && break
  sleep 1
done
t1=$(date +%s.%N); c1=$(cpu_ticks)
made=$(( h - h0 ))
(( made > 0 )) || { echo "cluster_scale: no block committed in the window" >&2; exit 1; }
ticks=$(getconf CLK_TCK)
signers=$(rpc "$url" qtm_getCommit "[\"0x$(printf %x "$h")\"]" |
  node -e 'let t = ""; process.stdin.on("data", (d) => (t += d)).on("end", () => { try { console.log(JSON.parse(t).result.signers.length); } catch { console.log(0); } })')
mapfile -t rss < <(for ((i = 0; i < validators; ++i)); do ps -o rss= -p "$(cat "$dir/net/node$i/qtmd.pid")"; done)
printf '%s\n' "${rss[@]}" | awk -v n="$validators" -v made="$made" -v secs="$(echo "$t1 - $t0" | bc)" \
  -v cpu="$(( c1 - c0 ))" -v ticks="$ticks" -v signers="$signers" -v bt="$block_time" '
  { sum += $1; if ($1 > max) max = $1; if (min == 0 || $1 < min) min = $1 }
  END {
    printf "| validators | block time ms | blocks | s per block | CPU s per block (all nodes) | CPU ms per block per node | RSS MiB per node: mean / min / max | signers of the last commit |\n"
    printf "|---:|---:|---:|---:|---:|---:|---|---:|\n"
    printf "| %d | %d | %d | %.2f | %.2f | %.0f | %.0f / %.0f / %.0f | %d |\n", n, bt, made, secs / made,
      cpu / ticks / made, cpu / ticks / made / n * 1000, sum / n / 1024, min / 1024, max / 1024, signers
  }'
