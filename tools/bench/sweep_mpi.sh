#!/usr/bin/env bash
# A sweep spread over MPI ranks (issue F) against one process, on this
# machine: the same 200-point sweep of ecosystem.yaml (100,000 customers,
# one replication per point) as 1 process × 1 thread, 1 process × 2 threads
# and 2 ranks × 1 thread. Also the bytes each point sends to rank 0: one
# message of (1 + values per point) doubles, and an 8-byte reply.
#
#   bash tools/bench/sweep_mpi.sh            # build dir: build/
#   POINTS=50 bash tools/bench/sweep_mpi.sh
#   MPI_ARGS="--mca pml ob1" bash tools/bench/sweep_mpi.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${BUILD_DIR:-$root/build}/journeysim
points=${POINTS:-200}
market=${MARKET:-100000}
scenario="$root/scenarios/ecosystem.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v mpirun > /dev/null || { echo "no mpirun (Debian: openmpi-bin)"; exit 1; }
# MPI_ARGS: more mpirun options, e.g. "--mca pml ob1" (no probing for cluster networks).
read -r -a mpi_args <<< "${MPI_ARGS:-}"
mpi=(mpirun --allow-run-as-root --oversubscribe -n 2 ${mpi_args[@]+"${mpi_args[@]}"})

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.4f\", $* }"; }
sweep=(sweep "$scenario" --param "word_of_mouth.rate=0:0.5:$points" -r 1 --market-size "$market" --quiet)

echo "commit: $(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown); nproc $(nproc); load $(cut -d' ' -f1-3 /proc/loadavg)"
wall=0
timed() {  # label, then the command; sets wall
  local label=$1 start
  shift
  start=$(now)
  "$@" > /dev/null
  wall=$(calc "$(now) - $start")
  printf '%-28s %8.2f s\n' "$label" "$wall"
}
start=$(now)
"${mpi[@]}" true
printf '%-28s %8.2f s\n' "mpirun -n 2 true (start-up)" "$(calc "$(now) - $start")"
timed "1 process x 1 thread" "$binary" "${sweep[@]}" --threads 1 --out "$work/a.h5"
one_thread=$wall
timed "1 process x 2 threads" "$binary" "${sweep[@]}" --threads 2 --out "$work/b.h5"
two_threads=$wall
timed "2 ranks x 1 thread" "${mpi[@]}" "$binary" "${sweep[@]}" \
  --threads 1 --out "$work/c.h5"
two_ranks=$wall
printf '2 ranks / 1 process x 1 thread: speed-up %.3f\n' "$(calc "$one_thread / $two_ranks")"
printf '2 ranks / 1 process x 2 threads: speed-up %.3f\n' "$(calc "$two_threads / $two_ranks")"

# Values per point: every metric per replication, then every daily series' days.
metrics=$(h5ls "$work/c.h5/metrics" | wc -l)
series_days=$(h5ls -r "$work/c.h5/series" | awk '/Dataset/ { gsub(/[{},]/, " "); n += $4 } END { print n }')
values=$((metrics * 1 + series_days))
printf 'bytes to rank 0 per point: %d (%d values + the point index, as doubles) + 8 back\n' $(((values + 1) * 8)) "$values"
if h5diff -q "$work/a.h5" "$work/c.h5" /metrics > /dev/null && h5diff -q "$work/a.h5" "$work/c.h5" /series > /dev/null; then
  echo "datasets of 2 ranks = 1 process: yes"
else
  echo "datasets of 2 ranks = 1 process: NO"
fi
