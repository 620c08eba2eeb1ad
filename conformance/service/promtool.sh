#!/usr/bin/env bash
# monitoring/ against Prometheus's own tool (Debian 12's prometheus package, promtool 2.42):
# the alerting rules load (`promtool check rules`) and pass their unit tests (`promtool test
# rules`); the Grafana dashboard is JSON of schema 39 on the ${DS_PROMETHEUS} variable; and
# every export_* name that alerts.yml and dashboard.json use is one the service's registry
# (src/service/metrics.cpp) renders, while the dashboard shows every family it renders.
#
# Usage: promtool.sh [GENERATOR]
# GENERATOR, the unit-test binary, writes a sample /metrics exposition into $EC_METRICS_OUT
# when run as `GENERATOR "[.metrics-exposition]"` (tests/service/metrics_test.cpp). With it,
# the exposition must pass `promtool check metrics` (parse and lint) and the names allowed are
# exactly the family and sample names it renders. Without it, they are the "export_..." literals of metrics.cpp,
# each also with _bucket/_sum/_count unless it is a counter (_total).
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
source "$here/lib/harness.sh"
GEN=
[ $# -gt 0 ] && GEN=$(realpath "$1")
require_tool promtool; require_tool jq
MON=$root/monitoring
SRC=$root/src/service/metrics.cpp
echo "# $(promtool --version 2>&1 | head -1)"

# --- alerting rules --------------------------------------------------------------------------
check "promtool check rules monitoring/alerts.yml" promtool check rules "$MON/alerts.yml"
check "promtool test rules monitoring/alerts_test.yml" promtool test rules "$MON/alerts_test.yml"
alerts=$(grep -oE '^[[:space:]]*- alert:[[:space:]]*[A-Za-z]+' "$MON/alerts.yml" | awk '{print $NF}' | sort | tr '\n' ' ')
equal "the rules are the three export-center alerts" "$alerts" \
  "ExportCenterDown ExportQueueStuck ExportRunFailureRateHigh "
for a in $alerts; do
  if grep -qE "alertname:[[:space:]]*$a\$" "$MON/alerts_test.yml" &&
     grep -A3 -E "alertname:[[:space:]]*$a\$" "$MON/alerts_test.yml" | grep -q exp_labels; then
    pass "$a has a unit test that expects it to fire"
  else
    fail "$a has a unit test that expects it to fire" "no alert_rule_test with exp_labels for $a"
  fi
done

# --- dashboard ---------------------------------------------------------------------------------
D=$MON/dashboard.json
check "dashboard.json is valid JSON" jq -e . "$D"
equal "dashboard schemaVersion" "$(jq -r .schemaVersion "$D" 2>&1)" 39
equal "the data source is the template variable DS_PROMETHEUS" \
  "$(jq -r '[.templating.list[] | select(.type == "datasource") | "\(.name)=\(.query)"] | join(",")' "$D" 2>&1)" \
  "DS_PROMETHEUS=prometheus"
equal "every panel and query uses \${DS_PROMETHEUS}" \
  "$(jq -r '[.panels[] | .datasource.uid, .targets[].datasource.uid] | unique | join(",")' "$D" 2>&1)" \
  '${DS_PROMETHEUS}'
equal "panel ids are unique" "$(jq -r '[.panels[].id] | (length == (unique | length))' "$D" 2>&1)" true
equal "every panel has a query" "$(jq -r '[.panels[] | select((.targets // []) | length == 0)] | length' "$D" 2>&1)" 0

# --- metric names ------------------------------------------------------------------------------
families=$(grep -oE '"export_[a-z0-9_]+"' "$SRC" | tr -d '"' | sort -u)
if [ -z "$families" ]; then
  fail "metrics.cpp names its families" "no \"export_...\" literal in $SRC"
fi
if [ -n "$GEN" ]; then
  expo=$WORK/metrics.txt
  if EC_METRICS_OUT=$expo "$GEN" "[.metrics-exposition]" >"$WORK/generate.log" 2>&1 && [ -s "$expo" ]; then
    pass "the generator writes a sample exposition"
    check "promtool check metrics accepts the exposition" sh -c 'promtool check metrics < "$1"' sh "$expo"
    equal "the families rendered are the ones metrics.cpp names" \
      "$(sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$expo" | sort -u | tr '\n' ' ')" "$(tr '\n' ' ' <<<"$families")"
    # Sample names (…_bucket, …_sum, …_count for histograms) and family names.
    allowed=$( (grep -v '^#' "$expo" | sed 's/[{ ].*//'; sed -n 's/^# TYPE \([^ ]*\) .*/\1/p' "$expo") | sort -u)
  else
    fail "the generator writes a sample exposition" "$(tail -20 "$WORK/generate.log")"
    allowed=
  fi
else
  echo "# no generator given: names allowed are metrics.cpp's literals (histogram suffixes for non-counters)"
  allowed=$(for f in $families; do
    echo "$f"
    case $f in *_total) ;; *) printf '%s\n' "${f}_bucket" "${f}_sum" "${f}_count" ;; esac
  done | sort -u)
fi
for file in alerts.yml dashboard.json; do
  used=$(grep -oE 'export_[a-z0-9_]+' "$MON/$file" | sort -u)
  unknown=$(comm -23 <(printf '%s\n' "$used" | sed '/^$/d') <(printf '%s\n' "$allowed") | tr '\n' ' ')
  equal "every export_* name in $file is one the service renders" "$unknown" ""
done
missing=
for f in $families; do
  grep -q "$f" "$D" || missing="$missing$f "
done
equal "the dashboard shows every family the service renders" "$missing" ""

finish
