#!/usr/bin/env bash
# The Compose stack for real: builds the qtmd image from the binaries this build made (the
# Dockerfile's `prebuilt` target: no second compile) and the Prometheus image from Debian's
# package, starts deploy/compose, waits for qtmd's /ready, sends a transaction through the
# published RPC port, checks that Prometheus scraped qtm_chain_head_block and loaded the
# alert rules, and tears everything down. Without a reachable dockerd this test FAILS.
#   tests/deploy/compose_stack_test.sh <dir with qtmd and qtm>
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bin_dir="$(cd "${1:?usage: compose_stack_test.sh BIN_DIR}" && pwd)"

fail() { echo "FAIL: $*" >&2; exit 1; }
for tool in docker docker-compose curl python3; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool not found (scripts/setup.sh installs it)"
done
docker info >/dev/null 2>&1 ||
  fail "dockerd is not reachable: start it (as root: dockerd &) — the deploy test did NOT run"
[[ -x "$bin_dir/qtmd" && -x "$bin_dir/qtm" ]] || fail "no qtmd/qtm in $bin_dir: build first"

"$root/deploy/docker/make-base-images.sh"

work="$(mktemp -d)"
project="qtmtest$$"
tag="qtm/qtmd:test-$$"
compose=(docker-compose -p "$project" -f "$root/deploy/compose/docker-compose.yml")
cleanup() {
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  docker image rm "$tag" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Free ports on this machine for the published ones (another stack may be running).
read -r rpc_port ws_port metrics_port prometheus_port < <(python3 - <<'PY'
import socket
sockets = [socket.socket() for _ in range(4)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in sockets])
PY
)
export QTM_RPC_PORT="$rpc_port" QTM_WS_PORT="$ws_port" QTM_METRICS_PORT="$metrics_port"
export QTM_PROMETHEUS_PORT="$prometheus_port" QTM_IMAGE="$tag"

echo "== image from prebuilt binaries ($bin_dir)"
mkdir "$work/context"
for program in qtmd qtm; do
  objcopy --strip-debug "$bin_dir/$program" "$work/context/$program"
done
DOCKER_BUILDKIT=0 docker build -q -f "$root/deploy/docker/Dockerfile" --target prebuilt \
  -t "$tag" "$work/context" >/dev/null
docker run --rm --entrypoint qtmd "$tag" --version

echo "== Prometheus image and the stack"
"${compose[@]}" build -q prometheus
"${compose[@]}" up -d

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds="$1" what="$2"; shift 2
  for _ in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  "${compose[@]}" ps >&2 || true
  "${compose[@]}" logs --tail=30 >&2 || true
  fail "$what did not happen within $seconds s"
}
wait_for 90 "qtmd /ready" curl -fsS "http://127.0.0.1:$metrics_port/ready"
curl -fsS "http://127.0.0.1:$metrics_port/ready"; echo

rpc() {
  curl -fsS -H 'Content-Type: application/json' \
    --data "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" \
    "http://127.0.0.1:$rpc_port"
}
from="$(rpc eth_accounts '[]' | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0])')"
sent="$(rpc eth_sendTransaction \
  "[{\"from\":\"$from\",\"to\":\"0x2222222222222222222222222222222222222222\",\"value\":\"0x1\"}]")"
hash="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["result"])' "$sent")" ||
  fail "eth_sendTransaction failed: $sent"
echo "sent $hash"
mined() {
  rpc eth_getTransactionReceipt "[\"$hash\"]" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; sys.exit(0 if r and r["status"]=="0x1" else 1)'
}
wait_for 30 "the transaction's receipt" mined
# Read the whole page before matching: `curl | grep -q` under pipefail fails when grep stops
# reading early (curl: "Failed writing body").
metrics_page="$(curl -fsS "http://127.0.0.1:$metrics_port/metrics")" || fail "no /metrics from qtmd"
grep -q '^qtm_txpool_transactions_admitted_total 1' <<<"$metrics_page" ||
  fail "qtmd's metrics do not count the transaction"

query() {
  curl -fsS "http://127.0.0.1:$prometheus_port/api/v1/query" --data-urlencode "query=$1"
}
scraped() {
  query 'qtm_chain_head_block{job="qtm"} > 0' |
    python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)'
}
wait_for 60 "Prometheus scraping qtm_chain_head_block" scraped
query 'qtm_chain_head_block'; echo
rules="$(curl -fsS "http://127.0.0.1:$prometheus_port/api/v1/rules")"
python3 - "$rules" "$root/deploy/prometheus/alerts.yml" <<'PY'
import json, re, sys
loaded = {rule["name"] for group in json.loads(sys.argv[1])["data"]["groups"]
          for rule in group["rules"]}
wanted = set(re.findall(r"^\s*- alert:\s*(\w+)", open(sys.argv[2]).read(), re.M))
missing = wanted - loaded
if missing or not wanted:
    sys.exit(f"FAIL: Prometheus did not load the alert rules {sorted(missing)}")
print(f"Prometheus loaded {len(wanted)} alert rules")
PY
up="$(query 'up{job="qtm"}')"
python3 -c 'import json,sys; r=json.loads(sys.argv[1])["data"]["result"]; sys.exit(0 if r and r[0]["value"][1]=="1" else 1)' "$up" ||
  fail "Prometheus does not see qtmd up: $up"
echo "compose stack: ready, transaction mined, scraped, rules loaded"
