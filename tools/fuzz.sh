#!/usr/bin/env bash
# Builds journeysim's libFuzzer targets (tests/fuzz) in the `asan` preset's
# tree (build-asan/: clang, -fsanitize=fuzzer-no-link,address,undefined, the
# same library as tools/sanitize.sh tests), runs each one for SECONDS
# (default 60), as many at once as there are cores, then prints how many
# inputs each executed.
#
#   tools/fuzz.sh            # 60 s per target
#   tools/fuzz.sh 600        # longer
#   JOBS=4 tools/fuzz.sh 30  # build with 4 jobs, run 4 targets at once
#
# The corpus of each target lives in build-asan/fuzz/corpus/TARGET (kept
# between runs, seeded from scenarios/, tests/bad_scenarios/ and
# tests/fuzz/seeds/). A crash, leak, sanitizer report or timeout stops that
# target: its input is saved in build-asan/fuzz/artifacts/ and the script
# exits 1 after the summary.
# Needs clang and its runtime (Debian 12: apt-get install clang libclang-rt-14-dev;
# tools/setup.sh installs them). JOURNEYSIM_CCACHE=ccache uses ccache.
set -euo pipefail

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: tools/fuzz.sh [SECONDS]  (seconds per target, default 60)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=$root/build-asan
work=$build/fuzz
jobs=${JOBS:-$(nproc)}
targets=(fuzz_scenario fuzz_sweep_plan fuzz_path_data fuzz_event_log)

if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
  echo "fuzz.sh: needs clang; on Debian 12: apt-get install clang libclang-rt-14-dev" >&2
  exit 2
fi

export CCACHE_BASEDIR="$root"
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$jobs" --target "${targets[@]}"

# Seeds: what a target reads, from the repository.
seed() {
  local target=$1 dir=$work/corpus/$1
  mkdir -p "$dir"
  case $target in
    fuzz_scenario)
      find "$root/scenarios" "$root/tests/bad_scenarios" -name '*.yaml' -size -64k -exec cp -n {} "$dir/" \; ;;
    fuzz_sweep_plan)
      find "$root/scenarios/sweeps" "$root/tests/bad_scenarios" -name '*.yaml' -size -64k -exec cp -n {} "$dir/" \; ;;
    fuzz_path_data)
      cp -n "$root"/tests/fuzz/seeds/path_data/* "$dir/" ;;
    fuzz_event_log)
      cp -n "$root"/tests/fuzz/seeds/event_log/* "$dir/" ;;
  esac
}

mkdir -p "$work/artifacts" "$work/logs"

# One target for SECONDS; its log is $work/logs/TARGET.log and its exit status
# $work/logs/TARGET.status.
fuzz_one() {
  local target=$1 dict=() status=0
  if [[ $target == fuzz_scenario || $target == fuzz_sweep_plan ]]; then dict=(-dict="$root/tests/fuzz/yaml.dict"); fi
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$build/$target" "$work/corpus/$target" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/$target-" >"$work/logs/$target.log" 2>&1 || status=$?
  echo "$status" >"$work/logs/$target.status"
}

running=0
for target in "${targets[@]}"; do
  seed "$target"
  echo "fuzz.sh: $target for ${seconds}s ..." >&2
  fuzz_one "$target" &
  if ((++running >= jobs)); then wait -n || true; ((running--)); fi
done
wait

failed=()
summary=()
for target in "${targets[@]}"; do
  log=$work/logs/$target.log
  status=$(cat "$work/logs/$target.status")
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [[ -n $runs ]] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$work/corpus/$target" -type f | wc -l)
  if ((status != 0)); then
    failed+=("$target")
    summary+=("$(printf '%-16s FAILED (exit %d) after %s runs; see %s' "$target" "$status" "${runs:-?}" "$log")")
    grep -m1 -E "ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY" "$log" >&2 || true
  else
    summary+=("$(printf '%-16s %12s runs  %8s/s  corpus %d' "$target" "${runs:-?}" "${rate:-?}" "$corpus")")
  fi
done

echo "fuzz.sh: ${seconds}s per target"
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
  echo "fuzz.sh: ${#failed[@]} target(s) found a problem: ${failed[*]} (inputs in $work/artifacts/)" >&2
  exit 1
fi
