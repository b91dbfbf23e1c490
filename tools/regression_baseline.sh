#!/usr/bin/env bash
# Regenerates tests/data/regression/ — the bit-for-bit outputs of the shipped
# scenarios that tests/test_regression.cpp compares against.
#
# Run it ONLY when a change is meant to change results (a new model feature,
# a different sampler), and say in the commit which numbers moved and why:
# the baseline is what proves that every other change (memory layout, slot
# reuse, threads, ranks) changes nothing. Outputs are written by 1 thread;
# the test then checks 2 threads and 2 ranks against them.
#
#   tools/regression_baseline.sh [BUILD_DIR]   (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
[[ $build = /* ]] || build="$here/$build"
tests="$build/tests/journeysim_tests"
[[ -x $tests ]] || { echo "no $tests: build first (cmake --build $build)" >&2; exit 1; }
JOURNEYSIM_REGRESSION_WRITE=1 "$tests" --gtest_filter='ShippedScenarios/Regression.*' >/dev/null
"$tests" --gtest_filter='ShippedScenarios/Regression.*'
git -C "$here" status --short tests/data/regression
