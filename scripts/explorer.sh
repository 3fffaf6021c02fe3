#!/usr/bin/env bash
# Installs what is missing, builds, and starts the whole explorer locally: `qtmd --dev`, a
# PostgreSQL 15 cluster in a temporary directory, qtm-indexer (indexing the dev chain and
# serving the API) and the explorer's pages, with a faucet paying from a fresh keystore
# account funded by dev account 0. Open the printed Explorer URL; Ctrl-C stops everything
# and removes the temporary chain and database.
#   scripts/explorer.sh [--port 8080] [--block-time 2]
set -euo pipefail
root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root_dir"
scripts/setup.sh
scripts/build.sh release
for project in sdk/js web/indexer web/explorer; do
  echo "explorer: building $project"
  (cd "$project" && npm run --silent build)
done
exec node scripts/explorer.mjs "$@"
