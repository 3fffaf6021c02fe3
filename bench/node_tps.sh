#!/usr/bin/env bash
# Committed PQ-signed transfers per second of `qtmd --dev`, from JSON-RPC submission to a
# committed block, next to anvil's (ECDSA) under the same load generator in the same run.
#
#   bench/node_tps.sh [--txs 20000] [--senders 200] [--connections 32] [--block-time 2]
#                     [--gas-limit 1000000000] [--max-block-bytes 12582912] [--no-anvil]
#                     [--strict]
#
# Builds nothing: qtmd and qtm-bench-presign from $QTM_BIN_DIR, else build-bench/bin, else
# build/bin; anvil from tests/e2e/node_modules (@foundry-rs/anvil, a dev dependency there:
# npm ci in tests/e2e, which scripts/setup.sh runs). Both nodes get block limits far above
# the load (qtmd: --gas-limit/--max-block-bytes, the pool sized to hold the whole load;
# anvil: --gas-limit) and the same block time, on a fresh datadir/state each, one after
# the other on the same cores as the load generator (bench/node_tps.mjs, autocannon over
# --connections keep-alive connections). The transfers are signed before the measurement:
# ML-DSA-44 by qtm-bench-presign (C++), ECDSA by ethers.
# Prints one markdown table: submitted/s (accepted over the submission window), committed/s
# (from the first request to the last inclusion), p50/p99 submit-to-inclusion, the node's
# CPU per committed transfer and in cores, and the load generator's CPU. --strict (the ctest
# smoke bench.node_tps.smoke): exit 1 unless every transfer is accepted and committed.
set -euo pipefail

txs=20000 senders=200 connections=32 block_time=2 gas_limit=1000000000
max_block_bytes=12582912 anvil=1 strict=()
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --txs) txs="$2"; shift 2 ;;
    --senders) senders="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --block-time) block_time="$2"; shift 2 ;;
    --gas-limit) gas_limit="$2"; shift 2 ;;
    --max-block-bytes) max_block_bytes="$2"; shift 2 ;;
    --no-anvil) anvil=0; shift ;;
    --strict) strict=(--strict); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "node_tps: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e="$root/tests/e2e"
if [[ -n "${QTM_BIN_DIR:-}" ]]; then bin="$QTM_BIN_DIR"
elif [[ -x "$root/build-bench/bin/qtmd" ]]; then bin="$root/build-bench/bin"
else bin="$root/build/bin"; fi
for program in qtmd qtm-bench-presign; do
  [[ -x "$bin/$program" ]] || { echo "node_tps: $bin/$program not found: build it or set QTM_BIN_DIR" >&2; exit 2; }
done
[[ -d "$e2e/node_modules/autocannon" ]] || {
  echo "node_tps: autocannon missing: run npm ci in tests/e2e (scripts/setup.sh)" >&2; exit 2; }
anvil_bin="$e2e/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
if [[ "$anvil" == 1 && ! -x "$anvil_bin" ]]; then
  echo "node_tps: $anvil_bin missing: run npm ci in tests/e2e (scripts/setup.sh), or --no-anvil" >&2
  exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/qtm-node-tps.XXXXXX")"
pid=""
stop_node() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  pid=""
}
cleanup() { stop_node; rm -rf "$work"; }
trap cleanup EXIT

echo "node_tps: $txs transfers from $senders senders, $connections connections, block time $block_time s, $(nproc) cores, $(date -u +%FT%TZ)" >&2
"$bin/qtm-bench-presign" --txs "$txs" --senders "$senders" --out "$work/load" >&2
results=()

# ---- qtmd
"$bin/qtmd" --dev --datadir "$work/qtmd" --http-port 0 --ws-port 0 --no-metrics \
  --block-time "$block_time" --gas-limit "$gas_limit" --max-block-bytes "$max_block_bytes" \
  --txpool-slots "$((txs + senders + 1024))" --txpool-queue "$((txs + 1024))" \
  --txpool-account-queue "$(( (txs + senders - 1) / senders + 64 ))" \
  --txpool-max-bytes "$(( (txs + senders) * 4096 + (64 << 20) ))" \
  --log-level warn >"$work/qtmd.out" 2>"$work/qtmd.err" &
pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^JSON-RPC *\(http:\/\/[^ ]*\).*/\1/p' "$work/qtmd.out")"
  [[ -n "$url" ]] && grep -q '^(0) 0x' "$work/qtmd.out" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/qtmd.err" >&2; echo "node_tps: qtmd exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$url" ]] || { echo "node_tps: no JSON-RPC URL in qtmd's banner" >&2; exit 1; }
status=0
out="$(node "$root/bench/node_tps.mjs" --target qtmd --url "$url" --pid "$pid" \
  --load "$work/load" --connections "$connections" "${strict[@]}")" || status=$?
results+=("$(sed -n 's/^json: //p' <<<"$out")")
stop_node

# ---- anvil
if [[ "$anvil" == 1 ]]; then
  port="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
  "$anvil_bin" --port "$port" --block-time "$block_time" --gas-limit "$gas_limit" \
    --silent >"$work/anvil.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -s -o /dev/null -H 'content-type: application/json' \
      -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$port" && break
    kill -0 "$pid" 2>/dev/null || { cat "$work/anvil.out" >&2; echo "node_tps: anvil exited" >&2; exit 1; }
    sleep 0.1
  done
  out="$(node "$root/bench/node_tps.mjs" --target anvil --url "http://127.0.0.1:$port" \
    --pid "$pid" --txs "$txs" --senders "$senders" --connections "$connections" \
    "${strict[@]}")" || status=$?
  results+=("$(sed -n 's/^json: //p' <<<"$out")")
  stop_node
fi

printf '%s\n' "${results[@]}" | node -e '
const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
console.log("| node | transfers | accepted | committed | submitted/s | committed/s | p50 ms | p99 ms | node CPU ms/tx | node cores | load generator cores | refused |");
console.log("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
for (const r of rows) {
  const refused = Object.entries(r.rejected).map(([k, v]) => `${k} x${v}`).join("; ") || "none";
  console.log(`| ${r.target} | ${r.submitted} | ${r.accepted} | ${r.committed} | ${r.submitted_per_s} | ${r.committed_per_s} | ${r.p50_ms} | ${r.p99_ms} | ${r.node_cpu_ms_per_tx} | ${r.node_cores} | ${r.client_cores_submitting} | ${refused} |`);
}
for (const r of rows) console.log(`json: ${JSON.stringify(r)}`);
'
exit "$status"
