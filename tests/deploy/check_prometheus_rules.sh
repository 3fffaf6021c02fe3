#!/usr/bin/env bash
# deploy/prometheus: the alert rules and the configuration load (promtool check), every alert
# behaves as its unit tests say (promtool test rules), and no alert is left without a test.
# promtool comes with Debian's `prometheus` package (scripts/setup.sh installs it); without it
# this test fails: it never passes without having run.
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../deploy/prometheus" && pwd)"

if ! command -v promtool >/dev/null 2>&1; then
  echo "FAIL: promtool not found; install Debian's prometheus package (scripts/setup.sh)" >&2
  exit 1
fi

promtool check rules "$dir/alerts.yml"
promtool check config "$dir/prometheus.yml"
(cd "$dir" && promtool test rules alerts_test.yml)

alerts=$(sed -n 's/^ *- alert: *\([A-Za-z0-9_]*\).*/\1/p' "$dir/alerts.yml" | sort -u)
[[ -n "$alerts" ]] || { echo "FAIL: no alerts found in alerts.yml" >&2; exit 1; }
untested=0
for alert in $alerts; do
  # A test that expects the alert to fire: an exp_labels entry under its alertname.
  if ! awk -v name="$alert" '
      /alertname:/ { current = $2 }
      /exp_labels:/ && current == name { found = 1 }
      END { exit !found }' "$dir/alerts_test.yml"; then
    echo "FAIL: alert $alert has no test in alerts_test.yml that expects it to fire" >&2
    untested=1
  fi
done
((untested == 0))
echo "deploy/prometheus: $(wc -w <<<"$alerts") alerts, each tested firing"
