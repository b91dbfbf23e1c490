#!/usr/bin/env bash
# Funnel versus ecosystem in one command: an ablation ladder.
#
# scenarios/ladder/ladder.yaml is a funnel with ecosystem.yaml's market,
# personas, touchpoints and ad spend; its strategies add one ecosystem
# mechanism each (loops, reviews, word_of_mouth, repeat). This script runs
# the five rungs as one paired comparison (common random numbers: replication
# k of every rung uses the same random streams), prints what each rung adds
# to purchasers, revenue and NPS with 95% CIs, and writes demo.html.
#
#   tools/demo.sh              # full market (1,000,000), 10 replications
#   tools/demo.sh --quick      # 100,000 customers, 5 replications: seconds
#
# Needs only bash, awk and a built journeysim (bash tools/setup.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
journeysim=${JOURNEYSIM:-$root/build/journeysim}
replications=10
market_size=""
out_dir=""
threads=0
write_report=1

usage() {
  cat <<EOF
Usage: tools/demo.sh [--quick] [-r N] [--market-size N] [--threads N] [-o DIR] [--no-report]

Runs the funnel-vs-ecosystem ablation ladder (scenarios/ladder/ladder.yaml):
  rung 1  funnel              one way down: awareness → consideration → purchase → retention
  rung 2  + loops             browsing back and forth (website → ads, reviews → website)
  rung 3  + reviews           buyers' reviews move a public rating that moves conversion
  rung 4  + word of mouth     satisfied buyers become advocates who refer friends
  rung 5  + repeat purchases  support and loyalty emails bring buyers back: ecosystem.yaml
Every rung has the same market, personas and ad spend, so the difference between
two rungs is one mechanism's contribution. Replications are paired (common random
numbers), and each contribution gets the Student-t 95% CI of the paired differences.

Options:
  --quick            100,000 customers and 5 replications (a few seconds)
  -r, --replications N   replications per rung (default 10; at least 2)
  --market-size N    potential customers (default: the file's 1,000,000)
  --threads N        worker threads (default 0: all cores; results do not depend on it)
  -o, --out-dir DIR  where to write ladder.h5, ladder.json, personas.json, demo.html
                     (default: demo/ next to the journeysim program, e.g. build/demo)
  --no-report        skip demo.html
  -h, --help         this help

Environment: JOURNEYSIM=path/to/journeysim (default: build/journeysim)
EOF
}

die() { echo "demo.sh: $*" >&2; exit 2; }

while (($#)); do
  case $1 in
    --quick) market_size=100000; replications=5 ;;
    -r | --replications) (($# >= 2)) || die "$1 needs a value"; replications=$2; shift ;;
    --market-size) (($# >= 2)) || die "$1 needs a value"; market_size=$2; shift ;;
    --threads) (($# >= 2)) || die "$1 needs a value"; threads=$2; shift ;;
    -o | --out-dir) (($# >= 2)) || die "$1 needs a value"; out_dir=$2; shift ;;
    --no-report) write_report=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
  shift
done

[[ -x $journeysim ]] || die "no journeysim at $journeysim: run 'bash tools/setup.sh' first, or set JOURNEYSIM=path/to/journeysim"
[[ $replications =~ ^[0-9]+$ ]] && ((replications >= 2)) || die "--replications needs a whole number of at least 2 (got '$replications')"
[[ -z $market_size || $market_size =~ ^[1-9][0-9]*$ ]] || die "--market-size needs a positive whole number (got '$market_size')"
[[ $threads =~ ^[0-9]+$ ]] || die "--threads needs a whole number (got '$threads')"
out_dir=${out_dir:-$(dirname "$journeysim")/demo}
mkdir -p "$out_dir"
# Run from the repository with paths relative to it, so that the commands
# shown, and recorded in the result files and demo.html, read as typed there.
journeysim=$(cd "$(dirname "$journeysim")" && pwd)/$(basename "$journeysim")
out_dir=$(cd "$out_dir" && pwd)
inside() { case $1 in "$root"/*) echo "${1#"$root"/}" ;; *) echo "$1" ;; esac; }
journeysim=$(inside "$journeysim")
out_dir=$(inside "$out_dir")
cd "$root"

ladder=scenarios/ladder/ladder.yaml
funnel=scenarios/funnel.yaml
# The rungs, as compare arms: rung k = ladder.yaml's mechanisms 2..k applied in order.
rungs=scenarios/ladder/rungs.yaml   # the rungs spelt out, for short arm names
arms=(2_loops 3_reviews 4_word_of_mouth 5_repeat)
common=(-r "$replications" -q)
if [[ -n $market_size ]]; then common+=(--market-size "$market_size"); fi
if ((threads)); then common+=(--threads "$threads"); fi

show() { echo "\$ $journeysim $*" >&2; }  # a command, as one would type it

# Every strategy must be valid on its own (validate tries each one).
show validate "$ladder" --strategies "$rungs"
if ! "$journeysim" validate "$ladder" --strategies "$rungs" >&2; then die "the ladder scenario does not validate"; fi

arm_options=()
for arm in "${arms[@]}"; do arm_options+=(-s "$arm"); done

start=$SECONDS
show compare "$ladder" --strategies "$rungs" "${arm_options[@]}" "${common[@]}" --json --out "$out_dir/ladder.h5"
"$journeysim" compare "$ladder" --strategies "$rungs" "${arm_options[@]}" "${common[@]}" --json --out "$out_dir/ladder.h5" \
  >"$out_dir/ladder.json"
# Not a rung: funnel.yaml has no personas, ladder.yaml (every rung) has
# ecosystem.yaml's two. Same seed, so this comparison is paired too.
show compare "$funnel" "$ladder" "${common[@]}" --json
"$journeysim" compare "$funnel" "$ladder" "${common[@]}" --json >"$out_dir/personas.json"
elapsed=$((SECONDS - start))

# Flatten compare --json (one value per line, as journeysim prints it) into
# "path<TAB>value" lines, then print the ladder's table from them.
flatten='
function key_of(s,    i, c) {  # the JSON string at the start of s, unescaped enough for names
  for (i = 2; i <= length(s); i++) {
    c = substr(s, i, 1)
    if (c == "\\") { i++; continue }
    if (c == "\"") { rest = substr(s, i + 1); return substr(s, 2, i - 2) }
  }
  rest = ""; return s
}
{
  line = $0; sub(/^[ \t]+/, "", line); sub(/,[ \t]*$/, "", line)
  name = ""
  if (depth > 0 && is_array[depth]) name = index_at[depth]++
  if (line ~ /^"/) {
    k = key_of(line)
    if (rest ~ /^: /) { name = k; line = substr(rest, 3) }
  }
  path = prefix[depth] (depth > 1 ? "/" : "") name
  if (depth <= 1) path = name
  if (line == "{" || line == "[") {
    depth++; prefix[depth] = path; is_array[depth] = (line == "["); index_at[depth] = 0
  } else if (line == "}" || line == "]") {
    depth--
  } else if (depth > 0) {
    print path "\t" line
  }
}'

awk -F'\t' -v replications="$replications" -v elapsed="$elapsed" '
function commas(x, decimals,    sign, s, whole, frac, out) {
  sign = x < 0 ? "-" : ""; if (x < 0) x = -x
  s = sprintf("%." decimals "f", x)
  whole = s; frac = ""
  if (decimals > 0) { whole = substr(s, 1, length(s) - decimals - 1); frac = substr(s, length(s) - decimals) }
  out = ""
  while (length(whole) > 3) { out = "," substr(whole, length(whole) - 2) out; whole = substr(whole, 1, length(whole) - 3) }
  return sign whole out frac
}
function signed(x, decimals) { return (x >= 0 ? "+" : "") commas(x, decimals) }
function shown(x, how) {
  if (x == "nan") return "n/a"
  if (how == "%") return sprintf("%.2f%%", 100 * x)
  return commas(x, how + 0)
}
function num(key) { if (!(key in v) || v[key] == "null") return "nan"; return v[key] + 0 }
function mean_of(file, run, metric,    k) {
  k = file SUBSEP run "/" metric "/mean"
  if (k in v) return num(k)
  return num(file SUBSEP run "/" metric)   # aware and purchasers are plain numbers
}
# A difference: mean and CI of (arm − base); sign -1 turns "A vs B" (A − B) around.
function diff(file, group, metric, sign) {
  d_mean = sign * num(file SUBSEP group "/delta/" metric "/mean")
  d_lo = sign * num(file SUBSEP group "/delta/" metric "/ci95/" (sign > 0 ? 0 : 1))
  d_hi = sign * num(file SUBSEP group "/delta/" metric "/ci95/" (sign > 0 ? 1 : 0))
  d_sig = (d_lo > 0 || d_hi < 0) ? " *" : "  "
}
FNR == 1 { file = ++files == 1 ? "l" : "p" }
{ v[file SUBSEP $1] = $2 }
END {
  n = split("2_loops|3_reviews|4_word_of_mouth|5_repeat", arm, "|")
  label[0] = "1 funnel"; label[1] = "2 + loops"; label[2] = "3 + reviews"
  label[3] = "4 + word of mouth"; label[4] = "5 + repeat purchases"
  split("purchasers|revenue|nps", metric, "|")
  split("Purchasers|Revenue|NPS", title, "|")
  split("0|0|1", decimals, "|")
  market = num("l" SUBSEP "baseline/market_size")
  printf "Funnel → ecosystem, one mechanism per rung · market %s · %d paired replications per rung\n", commas(market, 0), replications
  printf "Every rung has the same market, personas and ad spend. mean: over the replications; Δ: this rung − the\n"
  printf "rung below, with the Student-t 95%% CI of the paired differences (* where it excludes 0); share: the\n"
  printf "rung'"'"'s part of the whole funnel → ecosystem change.\n"
  for (m = 1; m <= 3; m++) {
    key = metric[m]; dp = decimals[m]
    printf "\n  %-24s %14s %14s %28s %8s\n", title[m], "mean", "Δ", "95% CI", key != "nps" ? "share" : ""
    diff("l", "strategies/" arm[n], key, 1); total = d_mean; total_lo = d_lo; total_hi = d_hi; total_sig = d_sig
    for (r = 0; r <= n; r++) {
      run = r == 0 ? "baseline" : "strategies/" arm[r] "/result"
      level = mean_of("l", run, key)
      if (r == 0) { printf "  %-24s %14s\n", label[r], commas(level, dp); continue }
      if (r == 1) diff("l", "strategies/" arm[1], key, 1)
      else diff("l", "pairs/" arm[r - 1] " vs " arm[r], key, -1)
      share = (key != "nps" && total != 0) ? sprintf("%7.0f%%", 100 * d_mean / total) : ""
      printf "  %-24s %14s %14s %28s%s%s\n", label[r], commas(level, dp), signed(d_mean, dp),
             "[" signed(d_lo, dp) ", " signed(d_hi, dp) "]", d_sig, share
    }
    printf "  %-24s %14s %14s %28s%s%s\n", "funnel → ecosystem", "", signed(total, dp),
           "[" signed(total_lo, dp) ", " signed(total_hi, dp) "]", total_sig, key != "nps" ? "    100%" : ""
  }
  # Every rung side by side, and funnel.yaml (no personas) on the left.
  printf "\nEvery rung side by side (means; rung 5 is ecosystem.yaml, and funnel.yaml is rung 1 without the personas):\n"
  printf "  %-34s %12s", "", "funnel.yaml"
  split("rung 1|rung 2|rung 3|rung 4|rung 5", head, "|")
  for (r = 0; r <= n; r++) printf " %12s", head[r + 1]
  printf "\n"
  rows = "aware:Aware:0|purchasers:Purchasers:0|conversion_rate:Conversion rate (of aware):%|purchases:Purchases:0"
  rows = rows "|advocates:Advocates:0|nps:NPS:1|public_rating:Public rating (final; prior 0.70):3|revenue:Revenue:0"
  rows = rows "|cost:Cost:0|cost_acquisition:  of it acquisition:0|cost_retention:  of it retention:0|profit:Profit:0"
  rows = rows "|clv:CLV (revenue per purchaser):2|cac:CAC (acquisition cost per purchaser):2"
  count = split(rows, row, "|")
  for (i = 1; i <= count; i++) {
    split(row[i], part, ":")
    printf "  %-34s %12s", part[2], shown(mean_of("p", "baseline", part[1]), part[3])
    for (r = 0; r <= n; r++)
      printf " %12s", shown(mean_of("l", r == 0 ? "baseline" : "strategies/" arm[r] "/result", part[1]), part[3])
    printf "\n"
  }

  # The personas: not a rung, the confound of a funnel.yaml vs ecosystem.yaml table.
  printf "\nNot a rung: personas. funnel.yaml has none; every rung has ecosystem.yaml'"'"'s two. Adding them\n"
  printf "to the funnel (funnel.yaml → rung 1, paired) changes, with 95%% CIs:\n"
  for (m = 1; m <= 3; m++) {
    diff("p", "strategies/ladder", metric[m], 1)
    printf "  %-24s %14s %14s %28s%s\n", title[m], "", signed(d_mean, decimals[m]),
           "[" signed(d_lo, decimals[m]) ", " signed(d_hi, decimals[m]) "]", d_sig
  }
  printf "so funnel.yaml → ecosystem.yaml (%s purchasers) is personas %s plus the ladder'"'"'s %s.\n",
         signed(mean_of("l", "strategies/" arm[n] "/result", "purchasers") - mean_of("p", "baseline", "purchasers"), 0),
         signed(num("p" SUBSEP "strategies/ladder/delta/purchasers/mean"), 0),
         signed(num("l" SUBSEP "strategies/" arm[n] "/delta/purchasers/mean"), 0)
  events = num("l" SUBSEP "baseline/events") + num("p" SUBSEP "baseline/events") + num("p" SUBSEP "strategies/ladder/result/events")
  for (r = 1; r <= n; r++) events += num("l" SUBSEP "strategies/" arm[r] "/result/events")
  printf "\n%s events simulated in %d s\n", commas(events, 0), elapsed
}' <(awk "$flatten" "$out_dir/ladder.json") <(awk "$flatten" "$out_dir/personas.json") | tee "$out_dir/ladder.txt"

if ((write_report)); then
  # --steps: each rung − the rung below, as the table above prints them.
  title="Funnel versus ecosystem, one mechanism at a time"
  show report "$out_dir/ladder.h5" -o "$out_dir/demo.html" --steps --title "\"$title\""
  "$journeysim" report "$out_dir/ladder.h5" -o "$out_dir/demo.html" --steps --title "$title" -q
fi
echo
echo "Wrote $out_dir/: ladder.txt (this table), ladder.h5 and ladder.json (every rung's results and deltas),"
echo "personas.json$( ((write_report)) && echo ' and demo.html (charts: open it in a browser)')."
