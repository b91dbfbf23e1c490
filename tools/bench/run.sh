#!/usr/bin/env bash
# Builds the benchmark driver and the journeysim program, then runs the full
# benchmark, printing the machine, the commit and the exact command first.
#
#   bash tools/bench/run.sh                 # full run (build dir: build/)
#   BUILD_DIR=build-bench bash tools/bench/run.sh --quick
#
# Extra arguments go to journeysim_bench (--quick, --paths FILE, --reps N, --no-memory).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=${BUILD_DIR:-build}
case "$build_dir" in /*) ;; *) build_dir="$root/$build_dir" ;; esac

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$build_dir" -j"$(nproc)" --target journeysim_bench journeysim

echo "== machine"
echo "nproc:   $(nproc)"
echo "cpu:     $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
echo "memory:  $(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
echo "kernel:  $(uname -r)"
echo "thp:     $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "build:   $(grep -m1 '^CMAKE_BUILD_TYPE:' "$build_dir/CMakeCache.txt" | cut -d= -f2) ($(grep -m1 '^CMAKE_CXX_COMPILER:' "$build_dir/CMakeCache.txt" | cut -d= -f2))"
echo "== commit"
commit=$(git -C "$root" rev-parse HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$root" status --porcelain --untracked-files=no 2>/dev/null | wc -l)
echo "$commit$([ "$dirty" -gt 0 ] && echo " (+$dirty modified tracked files)")"
echo "== command"
cmd=("$build_dir/tools/bench/journeysim_bench" "$@")
echo "${cmd[*]}"
echo "== started $(date -u +%Y-%m-%dT%H:%M:%SZ)"
"${cmd[@]}"
