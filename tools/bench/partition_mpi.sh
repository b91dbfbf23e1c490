#!/usr/bin/env bash
# One market split across MPI ranks (issue F) against one process, on this
# machine: `run scenarios/ecosystem.yaml` (reviews and word of mouth on) at
# MARKET customers as 1 process × 1 thread, 2 ranks × 1 thread and
# 1 process × 2 threads, REPS times each, interleaved; the best of each is
# kept. Prints the simulation time (the run's wall_seconds), the whole
# command's wall time (with MPI start-up), the speed-ups, and checks that
# every layout gave the same events, purchasers and revenue.
#
#   bash tools/bench/partition_mpi.sh             # 10,000,000 customers, 3 reps
#   MARKET=1000000 REPS=5 bash tools/bench/partition_mpi.sh
#   MPI_ARGS="--mca pml ob1" bash tools/bench/partition_mpi.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${BUILD_DIR:-$root/build}/journeysim
market=${MARKET:-10000000}
reps=${REPS:-3}
scenario="$root/scenarios/ecosystem.yaml"
command -v mpirun > /dev/null || { echo "no mpirun (Debian: openmpi-bin)"; exit 1; }
# MPI_ARGS: more mpirun options, e.g. "--mca pml ob1" (no probing for cluster networks).
read -r -a mpi_args <<< "${MPI_ARGS:-}"
mpi=(mpirun --allow-run-as-root --oversubscribe -n 2 ${mpi_args[@]+"${mpi_args[@]}"})

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.4f\", $* }"; }
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

echo "commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "market $market, ecosystem.yaml, 180 days; best of $reps"
declare -A best_sim best_wall facts
for ((rep = 0; rep < reps; ++rep)); do
  for layout in one_thread two_ranks two_threads; do
    case $layout in
      one_thread) command=("$binary" run "$scenario" --market-size "$market" --threads 1) ;;
      two_ranks) command=("${mpi[@]}" "$binary" run "$scenario" --market-size "$market" --threads 1) ;;
      two_threads) command=("$binary" run "$scenario" --market-size "$market" --threads 2) ;;
    esac
    start=$(now)
    json=$("${command[@]}" --json --quiet)
    wall=$(calc "$(now) - $start")
    sim=$(field "d['wall_seconds']" <<< "$json")
    facts[$layout]=$(field "d['events'], d['purchasers'], d['metrics']['revenue']['mean']" <<< "$json")
    if [[ -z ${best_sim[$layout]:-} ]] || awk "BEGIN { exit !($sim < ${best_sim[$layout]}) }"; then
      best_sim[$layout]=$sim
      best_wall[$layout]=$wall
    fi
    printf '  rep %d %-12s simulation %7.3f s  command %7.3f s\n' "$rep" "$layout" "$sim" "$wall"
  done
done
printf '%-24s %10s %10s\n' layout "sim s" "command s"
for layout in one_thread two_ranks two_threads; do
  printf '%-24s %10.3f %10.3f\n' "$layout" "${best_sim[$layout]}" "${best_wall[$layout]}"
done
printf '2 ranks x 1 thread / 1 process x 1 thread: speed-up %.3f (simulation), %.3f (command)\n' \
  "$(calc "${best_sim[one_thread]} / ${best_sim[two_ranks]}")" "$(calc "${best_wall[one_thread]} / ${best_wall[two_ranks]}")"
printf '1 process x 2 threads / 1 process x 1 thread: speed-up %.3f (simulation)\n' \
  "$(calc "${best_sim[one_thread]} / ${best_sim[two_threads]}")"
if [[ ${facts[one_thread]} == "${facts[two_ranks]}" && ${facts[one_thread]} == "${facts[two_threads]}" ]]; then
  echo "same events, purchasers and revenue in every layout: ${facts[one_thread]}"
else
  echo "RESULTS DIFFER: ${facts[one_thread]} | ${facts[two_ranks]} | ${facts[two_threads]}"
  exit 1
fi
