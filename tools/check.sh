#!/usr/bin/env bash
# Everything CI checks, after tools/setup.sh has built build/: the test suite
# on the Release build, the suite again under AddressSanitizer +
# UndefinedBehaviorSanitizer (tools/sanitize.sh, build-asan/), then each
# libFuzzer target for 60 s (tools/fuzz.sh, same tree). Stops at the first
# part that fails.
#
#   tools/check.sh                   # all three
#   FUZZ_SECONDS=10 tools/check.sh   # shorter fuzzing
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
started=$SECONDS
part() { echo "check.sh: $1 done after $((SECONDS - started)) s" >&2; }

ctest --test-dir build --output-on-failure -j "$(nproc)"
part "tests (build/)"
tools/sanitize.sh
part "tests under ASan+UBSan (build-asan/)"
tools/fuzz.sh "${FUZZ_SECONDS:-60}"
part "fuzzing"
