#!/usr/bin/env bash
# The sanitizer job: configures the `asan` preset (clang, AddressSanitizer +
# UndefinedBehaviorSanitizer, build-asan/), builds it and runs the whole test
# suite under it. Any ASan or UBSan report fails the test (halt_on_error, and
# UBSan is compiled with -fno-sanitize-recover=all); leaks are reported by
# LeakSanitizer at each process's exit (tests/lsan.supp lists the library
# leaks that are not ours). The same tree holds the fuzz targets (tools/fuzz.sh).
#
#   tools/sanitize.sh              build, then every test
#   tools/sanitize.sh -R Sweep     only the tests matching a ctest regex
#   tools/sanitize.sh --tsan       the `tsan` preset instead: the thread-count
#                                  determinism tests under ThreadSanitizer
#                                  (tests/tsan.supp says why it suppresses what)
#
# JOURNEYSIM_CCACHE=ccache uses ccache; JOBS sets the build and test
# parallelism (default: the number of cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
preset=asan
ctest_args=()
while (($#)); do
  case "$1" in
    --tsan) preset=tsan ;;
    -R) [[ $# -ge 2 ]] || { echo "sanitize.sh: -R needs a regex" >&2; exit 2; }; ctest_args+=(-R "$2"); shift ;;
    *) echo "usage: tools/sanitize.sh [--tsan] [-R REGEX]" >&2; exit 2 ;;
  esac
  shift
done
jobs=${JOBS:-$(nproc)}

started=$SECONDS
export CCACHE_BASEDIR="$root"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
built=$SECONDS
ctest --preset "$preset" -j "$jobs" "${ctest_args[@]}"
echo "sanitize ($preset): build $((built - started)) s, tests $((SECONDS - built)) s" >&2
