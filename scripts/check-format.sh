#!/usr/bin/env bash
# Fails when a C++ file under src/, apps/, tests/ or bench/ differs from what clang-format
# (the repository's .clang-format) would write. Fix with: clang-format -i <file>.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"
if ! command -v clang-format >/dev/null 2>&1; then
  echo "check-format: clang-format is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
# One clang-format per file, on every core (about 500 files).
mapfile -t unformatted < <(
  find src apps tests bench \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z |
    xargs -0 -r -n 16 -P "$(nproc)" sh -c \
      'for f do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done' sh |
    sort)
if ((${#unformatted[@]} > 0)); then
  printf 'check-format: not clang-formatted: %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "check-format: ok"
