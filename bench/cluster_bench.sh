#!/usr/bin/env bash
# Finalized transfers/s and submit-to-finality latency of a local validator network: N qtmd
# validators on loopback from `qtm testnet init`, PQ-signed transfers submitted to all of
# them (bench/cluster_load.mjs). Builds nothing: uses build/bin (or $QTM_BIN_DIR) and the
# SDK's dist (sdk/js: npm ci && npm run build; scripts/setup.sh does it).
#   bench/cluster_bench.sh [--validators 4] [--txs 4000] [--senders 200] [--concurrency 16]
#                          [--block-time 1000] [--base-port 24100] [--gas-limit G]
#                          [--max-block-bytes B]   (the spec's block limits; qtm's defaults)
#                          [--client sdk|presigned]
# --client sdk (the default): bench/cluster_load.mjs, transfers signed with the JS SDK and
# sent with fetch. --client presigned: qtm-bench-presign signs them in C++ and
# bench/node_tps.mjs sends them with autocannon round-robin to all nodes (each sender's
# key-carrying first transfer committed before the measurement); its table adds CPU per
# transfer, summed over the nodes. QTM_KEEP_LOGS=DIR copies the network's directory (node
# logs with each block's commit time and size) to DIR before it is removed.
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${QTM_BIN_DIR:-$root_dir/build/bin}"
validators=4 txs=4000 senders=200 concurrency=16 block_time=1000 base_port=24100 client=sdk
limits=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --validators) validators="$2"; shift 2 ;;
    --txs) txs="$2"; shift 2 ;;
    --senders) senders="$2"; shift 2 ;;
    --concurrency) concurrency="$2"; shift 2 ;;
    --block-time) block_time="$2"; shift 2 ;;
    --base-port) base_port="$2"; shift 2 ;;
    --gas-limit) limits+=(--gas-limit "$2"); shift 2 ;;
    --max-block-bytes) limits+=(--max-block-bytes "$2"); shift 2 ;;
    --client) client="$2"; shift 2 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "cluster_bench: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
for program in qtm qtmd qtm-bench-presign; do
  [[ -x "$bin/$program" ]] || { echo "cluster_bench: $bin/$program is missing (scripts/build.sh)" >&2; exit 2; }
done
dir="$(mktemp -d /tmp/qtm-cluster-bench.XXXXXX)"
cleanup() { QTMD="$bin/qtmd" "$root_dir/scripts/testnet.sh" stop "$dir/net" >/dev/null 2>&1 || true; [[ -n "${QTM_KEEP_LOGS:-}" ]] && cp -r "$dir/net" "$QTM_KEEP_LOGS"; rm -rf "$dir"; }
trap cleanup EXIT
"$bin/qtm" testnet init --validators "$validators" --block-time "$block_time" \
  --base-port "$base_port" "${limits[@]}" --out "$dir/net" >/dev/null 2>&1
QTMD="$bin/qtmd" "$root_dir/scripts/testnet.sh" start "$dir/net" >/dev/null
urls=()
for ((i = 0; i < validators; ++i)); do urls+=("http://127.0.0.1:$((base_port + 10 * i + 1))"); done
# Wait until the first node has committed a block.
for _ in $(seq 1 60); do
  height=$(curl -s -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}' "${urls[0]}" 2>/dev/null |
    sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p' || true)
  [[ -n "$height" && "$height" != "0x0" ]] && break
  sleep 1
done
echo "cluster_bench: $validators validators, block time $block_time ms, ${limits[*]:-default block limits}, $(nproc) cores, $(date -u +%FT%TZ)"
load_status=0
if [[ "$client" == presigned ]]; then
  chain_id="$(node -e 'console.log(Number(require(process.argv[1]).chainId))' "$dir/net/spec.json")"
  "$bin/qtm-bench-presign" --txs "$txs" --senders "$senders" --chain-id "$chain_id" --out "$dir/load" >&2
  pids=()
  for ((i = 0; i < validators; ++i)); do pids+=("$(cat "$dir/net/node$i/qtmd.pid")"); done
  out="$(node "$root_dir/bench/node_tps.mjs" --target qtmd --url "$(IFS=,; echo "${urls[*]}")" \
    --pid "$(IFS=,; echo "${pids[*]}")" --load "$dir/load" --connections "$concurrency")" || load_status=$?
  json="$(sed -n 's/^json: //p' <<<"$out")"
  echo "$json"
  [[ -n "$json" ]] && node -e '
const r = JSON.parse(process.argv[1]);
console.log("| nodes | transfers | accepted | final | accepted/s | finalized/s | p50 ms | p99 ms | CPU ms/transfer (all nodes) | node cores | client cores |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
console.log(`| ${r.nodes} | ${r.submitted} | ${r.accepted} | ${r.committed} | ${r.submitted_per_s} | ${r.committed_per_s} | ${r.p50_ms} | ${r.p99_ms} | ${r.node_cpu_ms_per_tx} | ${r.node_cores} | ${r.client_cores_submitting} |`);
if (Object.keys(r.rejected).length) console.log("refused:", JSON.stringify(r.rejected));' "$json"
elif [[ "$client" == sdk ]]; then
  node "$root_dir/bench/cluster_load.mjs" --urls "$(IFS=,; echo "${urls[*]}")" --txs "$txs" \
    --senders "$senders" --concurrency "$concurrency" || load_status=$?
else
  echo "cluster_bench: --client is sdk or presigned" >&2; exit 2
fi
for ((i = 0; i < validators; ++i)); do
  pid=$(cat "$dir/net/node$i/qtmd.pid")
  echo "node$i: $(ps -o rss= -p "$pid" | awk '{printf "%.0f MiB", $1/1024}') resident, $(ps -o times= -p "$pid")s CPU"
done
exit "$load_status"
