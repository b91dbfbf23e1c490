#!/usr/bin/env bash
# CTest Tools.Plot: tools/plot.py draws real run, compare and sweep files
# (PNG and PDF), and refuses what is not a journeysim file. Skipped (exit
# 77) when /usr/bin/python3 lacks h5py or matplotlib (bash tools/setup.sh
# --plots installs them).
#   tests/test_plot.sh JOURNEYSIM WORK_DIR
set -euo pipefail
journeysim=$1; [[ $journeysim == /* ]] || journeysim=$PWD/$journeysim
work=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
plot=$root/tools/plot.py
python=${PLOT_PYTHON:-/usr/bin/python3}  # the system python, where Debian puts h5py and matplotlib
fail() { echo "FAIL: $*" >&2; exit 1; }

if ! [[ -x $python ]] || ! "$python" -c "import h5py, matplotlib" 2>/dev/null; then
  echo "SKIP: $python with h5py and matplotlib is needed (bash tools/setup.sh --plots installs python3-h5py and python3-matplotlib)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
cd "$work"

# Small real outputs: a run, a two-arm comparison, a log-grid sweep and a 3 × 2 grid.
"$journeysim" run "$root/scenarios/ecosystem.yaml" -r 3 --market-size 5000 -q --out run.h5 >/dev/null
"$journeysim" compare "$root/scenarios/ecosystem.yaml" -s fix_support -s remarketing -r 3 --market-size 5000 -q \
  --out cmp.h5 >/dev/null
"$journeysim" sweep "$root/scenarios/ecosystem.yaml" --param awareness.channels.search.rate=log:0.0005:0.02:4 \
  -r 2 --market-size 2000 -q --out log.h5 >/dev/null
"$journeysim" sweep "$root/scenarios/ecosystem.yaml" --param word_of_mouth.rate=0:0.4:3 \
  --param touchpoints.support.experience.mean=list:0.5,0.7 -r 2 --market-size 2000 -q --out grid.h5 >/dev/null

[[ $("$python" "$plot" --help) == *"Figures for papers"* ]] || fail "--help"
draw() { "$python" "$plot" "$@" >>plot.out 2>>plot.err || fail "plot.py $* failed: $(cat plot.err)"; }
draw run.h5 cmp.h5 --pairs -o figures
draw log.h5 grid.h5 --format png,svg --metrics purchasers,nps,public_rating -o figures
draw cmp.h5 --format pdf --metrics purchasers,nps -o figures
[[ ! -s plot.err ]] || fail "plot.py warned: $(cat plot.err)"
check() {  # FILE MAGIC MIN_BYTES: written, announced, of the right type and not trivially small
  local file=figures/$1 size
  [[ -f $file ]] || fail "$file was not written"
  grep -qx "Wrote $file" plot.out || fail "plot.py did not say it wrote $file"
  size=$(stat -c %s "$file")
  ((size > $3)) || fail "$file is only $size bytes"
  [[ $(head -c ${#2} "$file") == "$2" ]] || fail "$file does not start with $2"
}
for stem in run-series cmp-deltas cmp-series cmp-pairs log-sweep grid-sweep; do check "$stem.png" $'\x89PNG' 30000; done
for stem in cmp-deltas cmp-series; do check "$stem.pdf" "%PDF-" 8000; done
for stem in log-sweep grid-sweep; do check "$stem.svg" "<?xml" 20000; done
# A real picture has many colours, not a blank canvas with a title.
"$python" - <<'EOF' || fail "a figure looks empty"
import sys
import matplotlib.image as image
for stem in ["run-series", "cmp-deltas", "log-sweep", "grid-sweep"]:
    pixels = image.imread(f"figures/{stem}.png")[:, :, :3].reshape(-1, 3)
    colours = len({tuple(p) for p in (pixels * 255).astype(int)[::7]})
    inked = (pixels.sum(axis=1) < 2.9).mean()
    if colours < 50 or inked < 0.03:
        sys.exit(f"{stem}.png: {colours} colours, {inked:.1%} inked")
EOF
# The log grid gets a log axis (its label says so; SVG keeps text as text), the linear one not.
grep -q "log scale" figures/log-sweep.svg || fail "the log grid was not drawn on a log axis"
if grep -q "log scale" figures/grid-sweep.svg; then fail "the linear grid was drawn on a log axis"; fi

# Not a result file: exit 2 and say why; a missing file likewise.
echo "hello" >not.h5
if "$python" "$plot" not.h5 2>err.txt; then fail "plot.py accepted a text file"; else code=$?; fi
((code == 2)) || fail "a bad file gave exit $code, not 2"
grep -q "not.h5" err.txt || fail "the error does not name the file: $(cat err.txt)"
if "$python" "$plot" missing.h5 2>err.txt; then fail "plot.py accepted a missing file"; fi
grep -q "no such file" err.txt || fail "missing file: $(cat err.txt)"
[[ $("$python" "$plot" --list cmp.h5) == *"arms: fix_support, remarketing"* ]] || fail "--list"
echo "ok: plot.py drew $(find figures -type f | wc -l) figures from run, compare and sweep files"
