#!/usr/bin/env bash
# Builds journeysim's libFuzzer targets (tests/fuzz) with clang and
# -fsanitize=fuzzer,address,undefined in build-fuzz/, and runs each one for
# SECONDS (default 60), then prints how many inputs each executed.
#
#   tools/fuzz.sh            # 60 s per target
#   tools/fuzz.sh 600        # longer
#   JOBS=4 tools/fuzz.sh 30  # build with 4 jobs
#
# The corpus of each target lives in build-fuzz/corpus/TARGET (kept between
# runs, seeded from scenarios/, tests/bad_scenarios/ and tests/fuzz/seeds/).
# A crash, leak, sanitizer report or timeout stops that target: its input is
# saved in build-fuzz/artifacts/ and the script exits 1 after the summary.
# Needs clang and its runtime (Debian 12: apt-get install clang libclang-rt-14-dev).
set -euo pipefail

seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: tools/fuzz.sh [SECONDS]  (seconds per target, default 60)" >&2
  exit 2
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${JOBS:-2}
targets=(fuzz_scenario fuzz_sweep_plan fuzz_path_data fuzz_event_log)

cxx=$(command -v clang++ || true)
cc=$(command -v clang || true)
if [[ -z $cxx || -z $cc ]]; then
  echo "fuzz.sh: needs clang; on Debian 12: apt-get install clang libclang-rt-14-dev" >&2
  exit 2
fi

launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache); fi
CCACHE_BASEDIR=$root cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  -DJOURNEYSIM_FUZZ=ON -DBUILD_TESTING=OFF -DJOURNEYSIM_BENCH=OFF >/dev/null
CCACHE_BASEDIR=$root cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# Seeds: what a target reads, from the repository.
seed() {
  local target=$1 dir=$build/corpus/$1
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

mkdir -p "$build/artifacts" "$build/logs"
failed=()
summary=()
for target in "${targets[@]}"; do
  seed "$target"
  dict=()
  if [[ $target == fuzz_scenario || $target == fuzz_sweep_plan ]]; then dict=(-dict="$root/tests/fuzz/yaml.dict"); fi
  log=$build/logs/$target.log
  echo "fuzz.sh: $target for ${seconds}s ..." >&2
  status=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$build/$target" "$build/corpus/$target" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [[ -n $runs ]] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$build/corpus/$target" -type f | wc -l)
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
  echo "fuzz.sh: ${#failed[@]} target(s) found a problem: ${failed[*]} (inputs in $build/artifacts/)" >&2
  exit 1
fi
