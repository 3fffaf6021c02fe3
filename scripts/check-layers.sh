#!/usr/bin/env bash
# Fails when a file under src/<layer>/ includes a header of a layer above it, or a layer
# that does not exist. The order is docs/architecture.md's: each layer may include only
# itself and the layers before it in this list.
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
layers=(base crypto codec trie storage evm state chain consensus p2p rpc node)

rank_of() {
  local i
  for i in "${!layers[@]}"; do
    [[ "${layers[$i]}" == "$1" ]] && { echo "$i"; return; }
  done
  echo -1
}

violations=0
for layer_dir in "$root"/src/*/; do
  layer="$(basename "$layer_dir")"
  layer_rank="$(rank_of "$layer")"
  if [[ "$layer_rank" -lt 0 ]]; then
    echo "check-layers: src/$layer is not a known layer (add it to scripts/check-layers.sh)" >&2
    violations=$((violations + 1))
    continue
  fi
  while IFS= read -r hit; do
    file="${hit%%:*}"
    included="$(sed -E 's/.*#[[:space:]]*include[[:space:]]*"([^/"]+)\/.*/\1/' <<<"$hit")"
    included_rank="$(rank_of "$included")"
    [[ "$included_rank" -lt 0 ]] && continue  # not a QTM layer (e.g. a local subfolder)
    if [[ "$included_rank" -gt "$layer_rank" ]]; then
      echo "check-layers: ${file#"$root"/} (layer $layer) includes a header of the higher layer $included" >&2
      violations=$((violations + 1))
    fi
  done < <(grep -rHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^/"]+/' "$layer_dir" || true)
done

if [[ "$violations" -gt 0 ]]; then
  echo "check-layers: $violations violation(s); a layer may depend only on the layers below it" >&2
  exit 1
fi
echo "check-layers: ok"
