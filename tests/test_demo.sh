#!/usr/bin/env bash
# CTest Tools.Demo: tools/demo.sh --quick runs, every rung validates, the
# table adds up, demo.html is written; each rung of rungs.yaml is the same
# scenario as ladder.yaml's mechanisms applied in order, and the top rung is
# ecosystem.yaml.
#   tests/test_demo.sh JOURNEYSIM WORK_DIR
set -euo pipefail
journeysim=$1; [[ $journeysim == /* ]] || journeysim=$PWD/$journeysim
work=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ladder=$root/scenarios/ladder/ladder.yaml
rungs=$root/scenarios/ladder/rungs.yaml
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

# Every mechanism and every rung validates, without warnings.
"$journeysim" validate "$ladder" --strategies "$rungs" >"$work/validate.out" 2>"$work/validate.err" ||
  fail "validate: $(cat "$work/validate.err")"
[[ ! -s $work/validate.err ]] || fail "validate warns: $(cat "$work/validate.err")"
grep -q "ok — 7 touchpoints, 9 transitions, 8 strategies" "$work/validate.out" || fail "validate: $(cat "$work/validate.out")"

# Rung k = the mechanisms 2..k applied in order: the same results table.
results() { "$journeysim" run "$@" --market-size 5000 -r 2 -q | sed -n '/Reach and conversion/,/Run state/p'; }
mechanisms=(loops reviews word_of_mouth repeat)
names=(2_loops 3_reviews 4_word_of_mouth 5_repeat)
for k in 0 1 2 3; do
  options=()
  for m in "${mechanisms[@]:0:k+1}"; do options+=(-s "$m"); done
  a=$(results "$ladder" --strategies "$rungs" -s "${names[k]}")
  b=$(results "$ladder" "${options[@]}")
  [[ -n $a && $a == "$b" ]] || fail "${names[k]} differs from ${options[*]}"
done
[[ $(results "$ladder" --strategies "$rungs" -s 5_repeat) == "$(results "$root/scenarios/ecosystem.yaml")" ]] ||
  fail "the top rung (5_repeat) differs from ecosystem.yaml"

# The demo itself.
start=$SECONDS
JOURNEYSIM=$journeysim bash "$root/tools/demo.sh" --quick -o "$work/out" >"$work/demo.out" 2>"$work/demo.err" ||
  fail "demo.sh failed: $(cat "$work/demo.err")"
echo "demo.sh --quick took $((SECONDS - start)) s"
table=$work/out/ladder.txt
[[ $(head -n "$(wc -l <"$table")" "$work/demo.out") == "$(cat "$table")" ]] || fail "ladder.txt is not what demo.sh printed"
for row in "1 funnel" "2 + loops" "3 + reviews" "4 + word of mouth" "5 + repeat purchases" "funnel → ecosystem"; do
  [[ $(grep -c "^  $row " "$table") == 3 ]] || fail "the row '$row' is not in each of the three tables"
done
for title in Purchasers Revenue NPS; do grep -q "^  $title  " "$table" || fail "no $title table"; done
grep -q "Not a rung: personas" "$table" || fail "no personas line"
if grep -qiw -e nan -e inf "$table"; then fail "the table has a NaN: $(grep -iw -e nan -e inf "$table")"; fi

# The rungs' Δ add up to the total (paired means are linear), in each table.
awk '
  function value(text) { gsub(/[+,]/, "", text); return text + 0 }
  /^  (Purchasers|Revenue|NPS)  / { table = $1; sum = 0; next }
  /^  [2-5] \+ / { match($0, /[-+][0-9,.]+ +\[/); sum += value(substr($0, RSTART, RLENGTH - 1)) }
  /^  funnel → ecosystem/ {
    match($0, /[-+][0-9,.]+ +\[/); total = value(substr($0, RSTART, RLENGTH - 1))
    tolerance = table == "NPS" ? 0.25 : 3   # each shown value is rounded
    if (sum - total > tolerance || total - sum > tolerance) { printf "%s: rungs sum to %g, total %g\n", table, sum, total; bad = 1 }
    checked++
  }
  END { exit bad || checked != 3 }' "$table" || fail "the rungs do not add up to the total"

# The report.
html=$work/out/demo.html
[[ -s $html ]] || fail "no demo.html"
grep -q "<svg" "$html" || fail "demo.html has no chart"
for arm in 2_loops 3_reviews 4_word_of_mouth 5_repeat; do grep -q "$arm" "$html" || fail "demo.html lacks $arm"; done
echo "ok: the ladder validates, its rungs are its mechanisms, the table adds up, demo.html has every rung"
