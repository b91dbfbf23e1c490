#!/usr/bin/env bash
# Report sizes and how long headless chromium takes to open them (issue G):
# a 100-touchpoint scenario's run, 1,000-point sweeps (a log grid, a 40 × 25
# grid, a Latin-hypercube sample) and the ecosystem's run.
#
#   bash tools/bench/report.sh [BUILD_DIR]     # default build/
#
# Open time: chromium's own clock. A copy of each report gets a script (the
# report itself forbids scripts) that, at the load event, forces layout of the
# whole page and writes performance.now() — milliseconds since navigation
# started — into the DOM, which --dump-dom prints; best of 3. The wall time of
# the same command (browser start-up included) is given beside it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$root/build}
sim=$build/journeysim
work=$(mktemp -d "${TMPDIR:-/tmp}/journeysim-report-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
browser=$(command -v chromium || command -v chromium-browser || true)

# 100 touchpoints in five stages, forward links, a back link per touchpoint,
# one purchase, reviews that move a transition, and word of mouth.
python3 - "$work/big.yaml" <<'EOF'
import random, sys
random.seed(1)
stages = ["awareness"] * 20 + ["consideration"] * 40 + ["purchase"] * 5 + ["retention"] * 30 + ["advocacy"] * 5
names = [f"tp{i:03d}" for i in range(100)]
out = ["name: hundred", "seed: 5", "horizon_days: 90", "market: {size: 100000}",
       "awareness:", "  channels:"]
out += [f"    - {{via: {names[i]}, rate: 0.0005}}" for i in range(0, 20, 2)]
out += ["word_of_mouth: {via: tp001, rate: 0.3, advocate_days: 60}",
        "reviews: {post_probability: 0.1, prior: {rating: 0.7, weight: 50}}",
        "advocacy: {advocate_probability: 0.4}", "touchpoints:"]
for i, n in enumerate(names):
    extra = ", purchase: {revenue: 50}" if stages[i] == "purchase" else ""
    out.append(f"  {n}: {{stage: {stages[i]}, cost: 0.1, experience: {{mean: 0.75, sd: 0.1}}, dwell_days: 0.5{extra}}}")
out.append("transitions:")
for i, n in enumerate(names):
    targets = sorted(set(random.sample(range(i + 1, min(i + 12, 100)), min(3, 99 - i)))) if i < 99 else []
    row = [f"{names[t]}: 0.2" for t in targets]
    if i >= 5: row.append(f"{names[random.randrange(max(0, i - 10), i)]}: 0.05")
    if i == 59: row.append("tp060: {p: 0.1, rating_elasticity: 2.0}")
    if row: out.append(f"  {n}: {{{', '.join(dict.fromkeys(row))}}}")
open(sys.argv[1], "w").write("\n".join(out) + "\n")
EOF

tiny=$work/tiny.yaml
cat > "$tiny" <<'EOF'
name: tiny
seed: 3
horizon_days: 60
market: {size: 2000}
awareness:
  channels:
    - {via: ad, rate: 0.02}
touchpoints:
  ad:   {stage: awareness, cost: 0.5, experience: 0.7}
  site: {stage: consideration, experience: 0.8, dwell_days: 1.0}
  shop: {stage: purchase, purchase: {revenue: 20}, experience: 0.9}
transitions:
  ad:   {site: 0.4}
  site: {shop: 0.2, ad: 0.1}
EOF

run() { echo "\$ $*" >&2; "$@"; }
run "$sim" run "$work/big.yaml" -r 3 --quiet --out "$work/big.h5"
run "$sim" run "$root/scenarios/ecosystem.yaml" -r 3 --market-size 50000 --quiet --out "$work/eco.h5"
run "$sim" sweep "$tiny" --param 'awareness.channels.ad.rate=log:0.0005:0.05:1000' -r 2 --quiet --out "$work/log1000.h5"
run "$sim" sweep "$tiny" --param 'transitions.site.shop=0.05:0.5:40' --param 'transitions.ad.site=0.1:0.6:25' -r 2 --quiet --out "$work/grid1000.h5"
run "$sim" sweep "$tiny" --param 'transitions.site.shop=uniform:0.05:0.5' --param 'transitions.ad.site=uniform:0.1:0.6' --samples 1000 --method latin -r 2 --quiet --out "$work/latin1000.h5"

reports=(big eco log1000 grid1000 latin1000)
for name in "${reports[@]}"; do
  start=$(date +%s.%N)
  "$sim" report "$work/$name.h5" -o "$work/$name.html" --quiet
  end=$(date +%s.%N)
  printf '%-10s %9d bytes  written in %.2f s  touchpoint map: %s\n' "$name" "$(stat -c %s "$work/$name.html")" \
    "$(echo "$end - $start" | bc)" "$(grep -q 'data-chart="touchpoint-map"' "$work/$name.html" && echo yes || echo no)"
done

[[ -n $browser ]] || { echo "chromium not installed: no open times" >&2; exit 0; }
# Best of 3: "load_ms wall_s" of a chromium --dump-dom of an instrumented copy.
measure() {
  local page=$1 copy=$work/timed.html best_ms=999999 best_wall=999 ms start end wall
  sed -e 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' \
      -e 's|</body>|<script>addEventListener("load",()=>{document.body.offsetHeight;document.body.setAttribute("data-load-ms",performance.now().toFixed(0))})</script></body>|' \
      "$page" > "$copy"
  for _ in 1 2 3; do
    rm -rf "$work/profile"
    start=$(date +%s.%N)
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
      --window-size=1100,2400 --dump-dom "file://$copy" > "$work/dom.out" 2>/dev/null
    end=$(date +%s.%N)
    wall=$(echo "$end - $start" | bc)
    ms=$(grep -o 'data-load-ms="[0-9]*"' "$work/dom.out" | grep -o '[0-9]*' || echo 999999)
    if (( ms < best_ms )); then best_ms=$ms; fi
    if (( $(echo "$wall < $best_wall" | bc) )); then best_wall=$wall; fi
  done
  echo "$best_ms $best_wall"
}
printf '<!DOCTYPE html><html><body><p>empty</p></body></html>\n' > "$work/empty.html"
read -r ms wall < <(measure "$work/empty.html")
printf '%-10s loaded and laid out in %5d ms (chromium wall %.2f s)\n' empty "$ms" "$wall"
for name in "${reports[@]}"; do
  read -r ms wall < <(measure "$work/$name.html")
  printf '%-10s loaded and laid out in %5d ms (chromium wall %.2f s)\n' "$name" "$ms" "$wall"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
