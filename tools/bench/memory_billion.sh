#!/usr/bin/env bash
# Issue J, memory: ecosystem.yaml (180 days) with a market of a billion on
# 2 threads, beside smaller markets, each a child process under
# /usr/bin/time -v: peak RSS and wall time of `journeysim run`, and what its
# results say about the customers (aware, in progress at the horizon,
# purchasers, events). Then the same replication through memory_probe
# (the engine's classes, same draws) for what no result file carries: the
# most customers held at once (the slots' high-water mark: it varies a little
# from run to run, with which thread frees and reuses which slot, and with the
# thread and process count; no result depends on it).
#
#   bash tools/bench/memory_billion.sh                 # markets 1e6, 1e8, 1e9
#   MARKETS="1000000 10000000" PROBE=0 bash tools/bench/memory_billion.sh
#
# Customers' state is a slot each while in progress (40 B, plus two 4 B
# calendar entries: while a step advances a customer, its entry in that
# step's list is still held when it gets one in a later step's) and 4 B
# per purchaser (its first-purchase delay, for exact quantiles; up to 2x in
# vector growth); everything else is per step, per day or per activation.
# Per customer figures divide the growth of peak RSS from the smallest
# market by the growth of each count, so the program, its libraries and
# tables drop out; each count stands for all the memory, not its own share.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac
bin=${JOURNEYSIM:-$build_dir/journeysim}
probe=$build_dir/tools/bench/memory_probe
scenario=${SCENARIO:-$root/scenarios/ecosystem.yaml}
markets=${MARKETS:-"1000000 100000000 1000000000"}
threads=${THREADS:-2}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

rss_mb() { awk '/Maximum resident set size/ { printf "%.1f", $NF / 1024 }' "$1"; }
wall_s() {
  sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" |
    awk -F: '{ s = 0; for (i = 1; i <= NF; ++i) s = s * 60 + $i; print s }'
}

echo "== machine: $(nproc) CPUs, $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}'), kernel $(uname -r)"
echo "== commit:  $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- src || echo ' (src modified)')"
echo "== command: $bin run $scenario --market-size MARKET -t $threads -q --json"
echo "== started $(date -u +%H:%M:%SZ), cpu pressure: $(head -n1 /proc/pressure/cpu)"
printf '%-11s %11s %8s %12s %12s %12s %14s\n' market "peak RSS MiB" "wall s" aware "in progress" purchasers events
for market in $markets; do
  /usr/bin/time -v "$bin" run "$scenario" --market-size "$market" -t "$threads" -q --json \
    >"$out/$market.json" 2>"$out/$market.time" || { cat "$out/$market.time" >&2; exit 1; }
  python3 - "$out/$market.json" "$market" "$(rss_mb "$out/$market.time")" "$(wall_s "$out/$market.time")" \
    >>"$out/table" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
mean = lambda v: v["mean"] if isinstance(v, dict) else v
print(sys.argv[2], sys.argv[3], sys.argv[4], int(mean(r["aware"])), int(mean(r["in_progress"])),
      int(mean(r["purchasers"])), int(r["events"]))
PY
  tail -n1 "$out/table" | awk '{ printf "%-11s %11s %8s %12s %12s %12s %14s\n", $1, $2, $3, $4, $5, $6, $7 }'
done
if [ "${PROBE:-1}" = 1 ]; then
  echo "== memory_probe (the same replications, for the most customers held at once)"
  printf '%-11s %11s %8s %12s\n' market "peak RSS MiB" "wall s" "peak slots"
  for market in $markets; do
    /usr/bin/time -v "$probe" "$scenario" "$market" "$threads" >"$out/$market.probe" 2>"$out/$market.ptime" ||
      { cat "$out/$market.ptime" >&2; exit 1; }
    peak=$(sed -n 's/.* peak_slots \([0-9]*\) .*/\1/p' "$out/$market.probe")
    echo "$market $peak" >>"$out/peaks"
    printf '%-11s %11s %8s %12s\n' "$market" "$(rss_mb "$out/$market.ptime")" "$(wall_s "$out/$market.ptime")" "$peak"
  done
fi
python3 - "$out/table" "$out/peaks" <<'PY'
import os, sys
rows = [l.split() for l in open(sys.argv[1])]
peaks = dict(l.split() for l in open(sys.argv[2])) if os.path.exists(sys.argv[2]) else {}
base = rows[0]
for row in rows[1:]:
    d = (float(row[1]) - float(base[1])) * 1048576  # MiB (kB / 1024) back to bytes
    da, di, dp = (float(row[k]) - float(base[k]) for k in (3, 4, 5))
    line = (f"{base[0]} -> {row[0]}: peak RSS +{d / 1e9:.2f} GB; {d / da:.2f} B per customer ever aware, "
            f"{d / di:.0f} B per customer in progress at the horizon, {d / dp:.2f} B per purchaser")
    if row[0] in peaks and base[0] in peaks:
        ds = float(peaks[row[0]]) - float(peaks[base[0]])
        line += f", {d / ds:.1f} B per customer held at most at once (peak slots)"
    print(line)
PY
echo "== ended $(date -u +%H:%M:%SZ), cpu pressure: $(head -n1 /proc/pressure/cpu)"
