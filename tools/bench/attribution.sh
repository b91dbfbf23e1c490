#!/usr/bin/env bash
# fit and attribute on ChannelAttribution's example paths (../shared/data,
# beside a checkout): the wall of `fit` per order and attribute's own timing
# of the exact removal effects of every channel (its exact_seconds, which
# leaves out reading the scenario), best of 5, and with --simulate once.
#
#   bash tools/bench/attribution.sh [PATHS.csv]      # build dir: build/ (BUILD_DIR=…)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${BUILD_DIR:-$root/build}/journeysim
paths=${1:-$root/../shared/data/paths_channelattribution.csv}
[[ -f $paths ]] || { echo "attribution.sh: no path data at $paths; give a file" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
for order in 1 2 3 4; do
  start=$(now)
  "$binary" fit "$paths" --order "$order" -o "$work/order$order.yaml" --quiet
  fit_wall=$(awk "BEGIN { print $(now) - $start }")
  best=""
  for _ in 1 2 3 4 5; do
    exact=$("$binary" attribute "$work/order$order.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["exact_seconds"])')
    best=$(awk -v a="$exact" -v b="${best:-1e9}" 'BEGIN { print (a < b) ? a : b }')
  done
  touchpoints=$(grep -c '^  [^ ].*: {stage' "$work/order$order.yaml")
  printf 'order %d: %5d touchpoints  fit %.3f s  exact removal effects of every channel %.4f s (best of 5)\n' \
    "$order" "$touchpoints" "$fit_wall" "$best"
done
start=$(now)
"$binary" attribute "$work/order1.yaml" --simulate -r 10 --quiet > "$work/simulated.txt"
printf 'order 1 --simulate -r 10 (%s customers per run, 13 arms): %.2f s\n' \
  "$(grep -o '[0-9]* customers' "$work/simulated.txt" | head -1 | cut -d' ' -f1)" "$(awk "BEGIN { print $(now) - $start }")"
