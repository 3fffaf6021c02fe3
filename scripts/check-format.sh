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
unformatted=()
while IFS= read -r -d '' file; do
  clang-format --dry-run -Werror "$file" >/dev/null 2>&1 || unformatted+=("$file")
done < <(find src apps tests bench \( -name '*.cpp' -o -name '*.hpp' \) -print0 | sort -z)
if ((${#unformatted[@]} > 0)); then
  printf 'check-format: not clang-formatted: %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "check-format: ok"
