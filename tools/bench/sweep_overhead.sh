#!/usr/bin/env bash
# Per-point cost of a sweep against a plain run of the same size: a
# 200-point sweep of ecosystem.yaml at 100,000 customers (one replication
# per point; the swept parameter, search's cost per visit, does not change
# behaviour, so every point does the same simulation work) and, alternating
# with it, single `run`s of one replication at the same size, each a fresh
# process. Prints wall per point, wall per run and their ratio. Then a
# small market (2,000 customers), where fixed costs would show: the sweep's
# own account of time spent simulating against its whole wall, so the
# per-point overhead (building, validating, recording a point) is read
# against the simulation in the same process.
#
#   bash tools/bench/sweep_overhead.sh            # build dir: build/
#   POINTS=50 RUNS=5 bash tools/bench/sweep_overhead.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${BUILD_DIR:-$root/build}/journeysim
points=${POINTS:-200}
runs=${RUNS:-10}
scenario="$root/scenarios/ecosystem.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
run_total=0
for ((i = 0; i < runs; ++i)); do
  start=$(now)
  "$binary" run "$scenario" --market-size 100000 -r 1 --quiet > /dev/null
  run_total=$(calc "$run_total + $(now) - $start")
done
start=$(now)
"$binary" sweep "$scenario" --param "touchpoints.search.cost=1:2:$points" -r 1 --market-size 100000 \
  --out "$work/sweep.h5" --quiet > /dev/null
sweep=$(calc "$(now) - $start")
per_run=$(calc "$run_total / $runs")
per_point=$(calc "$sweep / $points")
printf 'single run (process, 100,000 customers): %.4f s  (mean of %d)\n' "$per_run" "$runs"
printf 'sweep: %d points in %.2f s = %.4f s per point\n' "$points" "$sweep" "$per_point"
printf 'per point / single run: %.3f\n' "$(calc "$per_point / $per_run")"

small_points=${SMALL_POINTS:-500}
line=$("$binary" sweep "$scenario" --param "touchpoints.search.cost=1:2:$small_points" -r 1 --market-size 2000 \
  --out "$work/small.h5" --quiet | head -1)
echo "small market: $line"
# "Swept N points in W s: N run now (P s each, of which S s simulating), …"
each=$(sed -n 's/.*(\([0-9.e+-]*\) s each, of which \([0-9.e+-]*\) s simulating).*/\1 \2/p' <<< "$line")
read -r per_point_small simulating_small <<< "$each"
printf 'small market: overhead per point %.5f s, simulation per point %.5f s, overhead / simulation: %.3f\n' \
  "$(calc "$per_point_small - $simulating_small")" "$simulating_small" \
  "$(calc "($per_point_small - $simulating_small) / $simulating_small")"
