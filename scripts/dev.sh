#!/usr/bin/env bash
# Installs what is missing, builds, and starts the QTM dev node. Until the node's chain,
# storage and RPC layers exist, it prints `qtmd --version` (see README's status table).
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root_dir"
QTM_SKIP_NPM=1 scripts/setup.sh
scripts/build.sh release
exec build/bin/qtmd --version
