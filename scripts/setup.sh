#!/usr/bin/env bash
# Installs what QTM needs to build and test on Debian 12, idempotently and without asking.
# Only missing packages are installed; each is named before it is installed.
# Usage: scripts/setup.sh            (Debian packages, then npm dev dependencies)
#        QTM_SKIP_NPM=1 scripts/setup.sh   (Debian packages only)
set -euo pipefail

root_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The Debian packages of docs/architecture.md (DESIGN.md §3), plus the tool chain.
debian_packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev clang-format clang-tidy valgrind
  libssl-dev libgmp-dev libsecp256k1-dev librocksdb-dev libboost1.81-dev
  nlohmann-json3-dev libsimdjson-dev libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  prometheus-cpp-dev libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
)
# The operator's tools the deploy/ tests run (promtool; Docker, Compose and debootstrap for
# the image and the Compose stack). QTM_SKIP_OPS=1 leaves them out (the image's build stage).
if [[ "${QTM_SKIP_OPS:-0}" != "1" ]]; then
  debian_packages+=(prometheus docker.io docker-compose debootstrap)
  # The explorer's tests (tests/explorer): its indexer's database (a throw-away cluster made
  # with PostgreSQL 15's initdb) and the browser the page test drives.
  debian_packages+=(postgresql-15 chromium)
fi

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  as_root=()
fi

missing=()
for package in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# Node.js (with npm) runs the differential and end-to-end tests; any install that provides
# `node` and `npm` will do (Debian's, or NodeSource's which bundles npm).
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 && ${#as_root[@]} -eq 0 ]]; then
    echo "setup: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  echo "setup: Debian packages installed"
else
  echo "setup: all Debian packages present"
fi

# npm projects: tests/js (independent implementations), sdk/js (the SDK), tests/e2e (real
# Ethereum clients), web/indexer and web/explorer (the block explorer) and tests/explorer.
# Each is installed with `npm ci` when its lock file is newer than its node_modules.
if [[ "${QTM_SKIP_NPM:-0}" != "1" ]]; then
  for project in tests/js sdk/js tests/e2e tests/k8s web/indexer web/explorer tests/explorer; do
    dir="$root_dir/$project"
    [[ -f "$dir/package.json" ]] || continue
    if [[ ! -d "$dir/node_modules" || \
          "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
      echo "setup: installing npm dependencies of $project (npm ci)"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    else
      echo "setup: npm dependencies of $project present"
    fi
  done
fi
