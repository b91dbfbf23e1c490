#!/usr/bin/env bash
# Installs journeysim's build dependencies (Debian 12), then configures and
# builds a Release tree in build/. Safe to run again: installed packages are
# skipped and the build is incremental.
set -euo pipefail

# --plots also installs what tools/plot.py needs (the system python3's h5py and matplotlib).
plots=0
for argument in "$@"; do
  case $argument in
    --plots) plots=1 ;;
    -h | --help) echo "usage: bash tools/setup.sh [--plots]  (--plots: also python3-h5py and python3-matplotlib, for tools/plot.py)"; exit 0 ;;
    *) echo "setup: unknown option '$argument'; the only option is --plots" >&2; exit 2 ;;
  esac
done

packages=(
  g++ cmake make pkg-config
  libboost-graph-dev libtbb-dev libyaml-cpp-dev libhdf5-dev
  libgtest-dev libbenchmark-dev libcli11-dev libfmt-dev
  nlohmann-json3-dev librandom123-dev libeigen3-dev
  chromium
  graphviz        # `graph --format svg` and the report's touchpoint map run its `dot`
  clang libclang-rt-14-dev  # tools/fuzz.sh: libFuzzer targets with ASan and UBSan
  libopenmpi-dev openmpi-bin  # run/compare/sweep over MPI ranks (mpirun -n R journeysim …)
  hdf5-tools      # h5ls/h5dump/h5diff: README's checks of result files, tools/bench/sweep_mpi.sh
)
if ((plots)); then packages+=(python3-h5py python3-matplotlib); fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]})); then
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j "$(nproc)"
