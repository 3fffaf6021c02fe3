#!/usr/bin/env bash
# Installs what is missing, builds, and starts the QTM dev node: one validator held by the
# node, a block every 2 s, ten prefunded dev accounts (printed at start), JSON-RPC on
# http://127.0.0.1:8545, data in ./qtm-data. Extra arguments go to qtmd, e.g.
#   scripts/dev.sh --block-time 1 --datadir /tmp/qtm --http-port 9545
# Ctrl-C stops it; running it again resumes the same chain from ./qtm-data.
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root_dir"
QTM_SKIP_NPM=1 scripts/setup.sh
scripts/build.sh release
exec build/bin/qtmd --dev "$@"
