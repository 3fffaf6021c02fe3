#!/usr/bin/env bash
# Builds the benchmarks (RelWithDebInfo, portable x86-64) and prints their tables.
#   scripts/bench.sh                 every bin/qtm-bench-* program
#   scripts/bench.sh keccak mldsa    only those (qtm-bench-keccak, qtm-bench-mldsa)
# Extra Google Benchmark flags go through BENCH_FLAGS, e.g.
#   BENCH_FLAGS="--benchmark_repetitions=5 --benchmark_report_aggregates_only=true"
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root_dir"
QTM_SKIP_NPM=1 scripts/setup.sh >/dev/null
scripts/build.sh release >/dev/null

if [[ $# -gt 0 ]]; then
  programs=()
  for name in "$@"; do programs+=("build/bin/qtm-bench-$name"); done
else
  programs=(build/bin/qtm-bench-*)
fi

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
for program in "${programs[@]}"; do
  [[ -x "$program" ]] || { echo "bench: no such program: $program" >&2; exit 2; }
  echo
  echo "== $(basename "$program") =="
  # shellcheck disable=SC2086
  "$program" --benchmark_min_time=0.5 ${BENCH_FLAGS:-}
done
