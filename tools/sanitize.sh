#!/usr/bin/env bash
# The sanitizer job: configures the `asan` preset (AddressSanitizer +
# UndefinedBehaviorSanitizer, build-asan/), builds it and runs the test suite
# under it. Any ASan or UBSan report fails the run (halt_on_error, and UBSan
# is compiled with -fno-sanitize-recover=all); leaks are reported by
# LeakSanitizer at each process's exit (tests/lsan.supp lists the library
# leaks that are not ours).
#
#   tools/sanitize.sh              build, then every test but the `slow` ones
#   tools/sanitize.sh --all        every test, the statistical ones too
#   tools/sanitize.sh --tsan       the `tsan` preset instead: the thread-count
#                                  determinism tests under ThreadSanitizer
#                                  (tests/tsan.supp says why it suppresses what)
#
# Label `slow` (tests/CMakeLists.txt): statistical tests that run millions of
# customers to check the engine against theory; under ASan they take most of
# the time and exercise no code the quick tests do not.
# JOURNEYSIM_CCACHE=ccache uses ccache; JOBS sets the build parallelism
# (default: the number of cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
preset=asan
ctest_args=(--label-exclude slow)
for argument in "$@"; do
  case "$argument" in
    --all) ctest_args=() ;;
    --tsan) preset=tsan ;;
    *) echo "usage: tools/sanitize.sh [--all] [--tsan]" >&2; exit 2 ;;
  esac
done
if [[ $preset == tsan ]]; then ctest_args=(); fi
jobs=${JOBS:-$(nproc)}

started=$SECONDS
export CCACHE_BASEDIR="$root"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
built=$SECONDS
ctest --preset "$preset" -j "$jobs" "${ctest_args[@]}"
echo "sanitize ($preset): build $((built - started)) s, tests $((SECONDS - built)) s" >&2
