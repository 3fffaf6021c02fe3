#!/usr/bin/env bash
# JSON-RPC throughput and latency of a real `qtmd --dev`, measured with autocannon.
#
#   bench/rpc_bench.sh [--duration S] [--connections C] [--txs M] [--senders N]
#                      [--send-concurrency K] [--no-sendraw] [--block-time T] [--strict]
#
# Builds nothing. It
#   1. starts qtmd --dev (from $QTM_BIN_DIR, else build-bench/bin, else build/bin) on a
#      temporary datadir with free ports;
#   2. deploys tests/e2e/contracts/Counter.sol (compiled with tests/e2e's solcjs) from a dev
#      account with eth_sendTransaction;
#   3. measures eth_sendRawTransaction acceptance (bench/rpc_sendraw.mjs: M transfers
#      pre-signed with the QTM SDK from N fresh ML-DSA-44 accounts, sent over K concurrent
#      connections), which also leaves blocks full of transactions behind;
#   4. runs autocannon (tests/e2e/node_modules) for S seconds with C connections on each of
#      eth_blockNumber, eth_getBalance, eth_call (Counter.get()) and
#      eth_getBlockByNumber(<the fullest block>, true), after checking one sample answer of
#      each; every response body is checked, and non-200 answers, JSON-RPC errors and
#      transport errors are counted as errors;
#   5. prints a markdown table (method, req/s, p50/p90/p99 latency in ms, errors).
# --strict: exit 1 when any request failed or any transaction was rejected (the smoke test).
#
# Needs: node, npm ci in tests/e2e (scripts/setup.sh does it), and for step 3 the SDK built
# (cd sdk/js && npm ci && npm run build); without it step 3 is skipped, saying so.
# Defaults: --duration 10 --connections 32 --txs 2000 --senders 100 --send-concurrency 32
# --block-time 1. The ctest smoke test bench.rpc.smoke runs --duration 1 --connections 2
# --txs 40 --senders 4 --strict.
set -euo pipefail

duration=10
connections=32
txs=2000
senders=100
send_concurrency=32
block_time=1
sendraw=1
strict=0
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --txs) txs="$2"; shift 2 ;;
    --senders) senders="$2"; shift 2 ;;
    --send-concurrency) send_concurrency="$2"; shift 2 ;;
    --block-time) block_time="$2"; shift 2 ;;
    --no-sendraw) sendraw=0; shift ;;
    --strict) strict=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "rpc_bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e="$root/tests/e2e"
if [[ -n "${QTM_BIN_DIR:-}" ]]; then bin="$QTM_BIN_DIR"
elif [[ -x "$root/build-bench/bin/qtmd" ]]; then bin="$root/build-bench/bin"
else bin="$root/build/bin"; fi
qtmd="$bin/qtmd"
[[ -x "$qtmd" ]] || { echo "rpc_bench: $qtmd not found: build qtmd or set QTM_BIN_DIR" >&2; exit 2; }
[[ -d "$e2e/node_modules/autocannon" ]] || {
  echo "rpc_bench: autocannon missing: run npm ci in tests/e2e (scripts/setup.sh)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/qtm-rpc-bench.XXXXXX")"
qtmd_pid=""
cleanup() {
  if [[ -n "$qtmd_pid" ]] && kill -0 "$qtmd_pid" 2>/dev/null; then
    kill -TERM "$qtmd_pid" 2>/dev/null || true
    wait "$qtmd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$qtmd" --dev --datadir "$work/data" --http-port 0 --ws-port 0 --block-time "$block_time" \
  >"$work/stdout" 2>"$work/stderr" &
qtmd_pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^JSON-RPC *\(http:\/\/[^ ]*\).*/\1/p' "$work/stdout")"
  [[ -n "$url" ]] && grep -q '^(0) 0x' "$work/stdout" && break
  kill -0 "$qtmd_pid" 2>/dev/null || { cat "$work/stderr" >&2; echo "rpc_bench: qtmd exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$url" ]] || { echo "rpc_bench: no JSON-RPC URL in qtmd's banner" >&2; exit 1; }
echo "qtmd $("$qtmd" --version | sed 's/^qtmd //') at $url (block time $block_time s, datadir $work/data)"

if [[ "$sendraw" == 1 ]]; then
  if [[ -f "$root/sdk/js/dist/src/index.js" ]]; then
    echo
    echo "## eth_sendRawTransaction acceptance"
    echo
    node "$root/bench/rpc_sendraw.mjs" --url "$url" --txs "$txs" --senders "$senders" \
      --concurrency "$send_concurrency" $([[ "$strict" == 1 ]] && echo --strict)
  else
    echo "rpc_bench: sdk/js/dist missing (cd sdk/js && npm ci && npm run build): eth_sendRawTransaction not measured" >&2
  fi
fi

echo
echo "## Read methods ($duration s each, $connections connections)"
echo
cd "$e2e"
QTM_STRICT="$strict" QTM_URL="$url" QTM_DURATION="$duration" QTM_CONNECTIONS="$connections" node --input-type=module - <<'EOF'
import autocannon from 'autocannon';
import { compileContract, rpc, waitForReceipt } from './lib/qtmd.mjs';

const url = process.env.QTM_URL;
const duration = Number(process.env.QTM_DURATION);
const connections = Number(process.env.QTM_CONNECTIONS);

// A contract with a view function: Counter(41), deployed by dev account 0.
const [dev] = await rpc(url, 'eth_accounts');
const { bytecode, abi } = await compileContract('Counter');
const constructorArg = (41).toString(16).padStart(64, '0');
const hash = await rpc(url, 'eth_sendTransaction', [{ from: dev, input: bytecode + constructorArg }]);
const receipt = await waitForReceipt(url, hash);
if (receipt.status !== '0x1') throw new Error('Counter deployment failed');
const counter = receipt.contractAddress;
const getSelector = '0x6d4ce63c'; // get()
if (!abi.some((f) => f.name === 'get')) throw new Error('Counter has no get()');

// The block with the most transactions (the sendraw phase fills some); at least the deploy's.
const head = BigInt(await rpc(url, 'eth_blockNumber'));
let fullest = { number: BigInt(receipt.blockNumber), count: 1 };
for (let n = head; n > 0n && n > head - 400n; --n) {
  const count = BigInt(await rpc(url, 'eth_getBlockTransactionCountByNumber', [`0x${n.toString(16)}`]));
  if (count > BigInt(fullest.count)) fullest = { number: n, count: Number(count) };
}
const fullestHex = `0x${fullest.number.toString(16)}`;

const cases = [
  { name: 'eth_blockNumber', params: [], check: (r) => /^0x[0-9a-f]+$/.test(r) },
  { name: 'eth_getBalance', params: [dev, 'latest'], check: (r) => BigInt(r) > 0n },
  { name: 'eth_call (Counter.get)', method: 'eth_call', params: [{ to: counter, input: getSelector }, 'latest'],
    check: (r) => BigInt(r) === 41n },
  { name: `eth_getBlockByNumber(${fullest.number}, true) [${fullest.count} txs]`, method: 'eth_getBlockByNumber',
    params: [fullestHex, true], check: (r) => r?.transactions?.length === fullest.count && typeof r.transactions[0] === 'object' },
];

const rows = [];
let totalErrors = 0;
for (const c of cases) {
  const method = c.method ?? c.name;
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: c.params });
  // One sample answer must be right before the load runs.
  const sample = await rpc(url, method, c.params);
  if (!c.check(sample)) throw new Error(`${c.name}: unexpected sample answer ${JSON.stringify(sample).slice(0, 200)}`);
  let badBodies = 0;
  let bodies = 0;
  const result = await autocannon({
    url, connections, duration, method: 'POST', body,
    headers: { 'content-type': 'application/json' },
    setupClient(client) {
      // 'body' comes per chunk; 'response' once the answer is complete. Every answer must
      // carry a result and no error member.
      let chunks = [];
      client.on('body', (buffer) => chunks.push(buffer));
      client.on('response', () => {
        bodies++;
        const text = Buffer.concat(chunks).toString();
        chunks = [];
        if (!text.includes('"result":') || text.includes('"error":')) badBodies++;
      });
    },
  });
  const errors = result.non2xx + result.errors + result.timeouts + badBodies;
  totalErrors += errors;
  rows.push(`| ${c.name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p90} | ` +
    `${result.latency.p99} | ${errors}${errors ? ` (non-200 ${result.non2xx}, transport ${result.errors}, ` +
    `timeouts ${result.timeouts}, JSON errors ${badBodies})` : ''} |`);
  if (bodies === 0) throw new Error(`${c.name}: no answers at all`);
}
console.log('| method | req/s | p50 ms | p90 ms | p99 ms | errors |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
if (process.env.QTM_STRICT === '1' && totalErrors > 0) {
  console.error(`rpc_bench: ${totalErrors} failed requests (--strict)`);
  process.exit(1);
}
EOF
