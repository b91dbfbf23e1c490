#!/usr/bin/env bash
# CTest Tools.Slurm: tools/slurm/*.sbatch run as Slurm would run them, with
# an `srun` stand-in that starts the job's tasks by mpirun (no Slurm here):
# the scripts' settings reach journeysim, the run splits its market over the
# 2 tasks, and a resubmitted sweep resumes. Skipped (exit 77) where MPI is
# not compiled in or mpirun is absent.
#   tests/test_slurm.sh JOURNEYSIM WORK_DIR MPI(1|0)
set -euo pipefail
journeysim=$1; [[ $journeysim == /* ]] || journeysim=$PWD/$journeysim
work=$2
mpi=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
fail() { echo "FAIL: $*" >&2; exit 1; }
if [[ $mpi != 1 ]]; then echo "SKIP: journeysim was built without MPI"; exit 77; fi
if ! command -v mpirun > /dev/null; then echo "SKIP: no mpirun on PATH (Debian: openmpi-bin)"; exit 77; fi
rm -rf "$work" && mkdir -p "$work/bin"

# srun: takes its own options, records them, and starts SLURM_NTASKS ranks.
cat > "$work/bin/srun" <<'SRUN'
#!/usr/bin/env bash
options=()
while [[ $1 == --* ]]; do options+=("$1"); shift; done
echo "${options[*]}" >> "$SRUN_LOG"
# Under ASan the ranks unwind malloc fully, so tests/lsan.supp can tell Open MPI's leaks (test_cluster.cpp).
if [[ -n ${ASAN_OPTIONS:-} ]]; then export ASAN_OPTIONS=$ASAN_OPTIONS:fast_unwind_on_malloc=0; fi
exec mpirun --allow-run-as-root --oversubscribe -n "$SLURM_NTASKS" "$@"
SRUN
chmod +x "$work/bin/srun"
export PATH=$work/bin:$PATH SRUN_LOG=$work/srun.log SLURM_NTASKS=2 SLURM_CPUS_PER_TASK=1 JOURNEYSIM=$journeysim
cd "$root"  # as submitted from the repository

MARKET=20000 REPLICATIONS=2 OUT=$work/run.h5 bash tools/slurm/run.sbatch > "$work/run.log" 2>&1 ||
  fail "run.sbatch: $(cat "$work/run.log")"
grep -q "2 processes × 1 thread" "$work/run.log" || fail "run.sbatch did not split the market: $(cat "$work/run.log")"
grep -q "market 20,000" "$work/run.log" || fail "MARKET did not reach journeysim: $(cat "$work/run.log")"
[[ -s $work/run.h5 ]] || fail "run.sbatch wrote no $work/run.h5"
[[ $(head -1 "$SRUN_LOG") == "--mpi=pmix --cpus-per-task=1" ]] || fail "srun options: $(head -1 "$SRUN_LOG")"

sweep() { MARKET=5000 REPLICATIONS=2 PARAM=word_of_mouth.rate=0:0.3:4 OUT=$work/sweep.h5 bash tools/slurm/sweep.sbatch; }
sweep > "$work/sweep.log" 2>&1 || fail "sweep.sbatch: $(cat "$work/sweep.log")"
grep -q "Swept 4 points.*4 run now on 2 processes" "$work/sweep.log" || fail "sweep.sbatch: $(cat "$work/sweep.log")"
sweep > "$work/again.log" 2>&1 || fail "sweep.sbatch resubmitted: $(cat "$work/again.log")"
grep -q "0 run now.*4 resumed" "$work/again.log" || fail "a resubmitted sweep must resume: $(cat "$work/again.log")"

# A plan keeps its own market and replications unless they are set.
SRUN_MPI=pmi2 PLAN=scenarios/sweeps/word_of_mouth.yaml REPLICATIONS=1 OUT=$work/plan.h5 \
  bash tools/slurm/sweep.sbatch > "$work/plan.log" 2>&1 || fail "sweep.sbatch with PLAN: $(cat "$work/plan.log")"
grep -q "Swept 6 points" "$work/plan.log" || fail "PLAN did not reach journeysim: $(cat "$work/plan.log")"
plan_market=$(sed -n 's/^market_size: *\([0-9]*\).*/\1/p' scenarios/sweeps/word_of_mouth.yaml)
[[ $plan_market =~ ^[0-9]+$ ]] || fail "scenarios/sweeps/word_of_mouth.yaml names no market_size"
if command -v h5dump > /dev/null; then  # hdf5-tools, from tools/setup.sh
  h5dump -a /market_size "$work/plan.h5" | grep -q "(0): $plan_market\$" ||
    fail "the plan's market_size $plan_market was overridden: $(h5dump -a /market_size "$work/plan.h5")"
  h5dump -a /replications "$work/plan.h5" | grep -q "(0): 1\$" || fail "REPLICATIONS=1 did not override the plan's"
fi
[[ $(tail -1 "$SRUN_LOG") == "--mpi=pmi2 --cpus-per-task=1" ]] || fail "SRUN_MPI: $(tail -1 "$SRUN_LOG")"
echo "PASS: run.sbatch and sweep.sbatch (PARAM, PLAN, resubmitted) under 2 tasks"
