#pragma once
// A comparison: a baseline and arms run on the same market. Paired when
// replication k of every arm shares the baseline's seed and per-customer
// streams (strategies of one scenario, or two files with the same seed:
// common random numbers); unpaired for results that share nothing (two
// files with different seeds), compared by Welch. Arms are also compared
// with each other: arm i − arm j for every i < j, paired as the arms are.
//
//   Comparison comparison{baseline, {fix_support, referral}, Pairing::paired};
//   for (const MetricComparison& row : comparison.metrics(0)) …   // arm 0 vs baseline
//   for (const ArmPair& pair : comparison.pairs()) comparison.pair_metrics(pair);  // fix_support vs referral
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

// Two arms compared with each other: arms[arm] − arms[versus].
struct ArmPair {
  std::size_t arm = 0, versus = 0;
};

struct Comparison {
  Results baseline;
  std::vector<Results> arms;  // each arm's label names it
  Pairing pairing = Pairing::paired;
  // Two scenario files rather than strategies of one (the baseline is the first file).
  bool two_files = false;

  std::vector<MetricComparison> metrics(std::size_t arm) const {
    return compare_metrics(baseline, arms.at(arm), pairing);
  }
  // Every pair of arms, i vs j for i < j in the order the arms were given:
  // A vs B, A vs C, B vs C.
  std::vector<ArmPair> pairs() const {
    std::vector<ArmPair> out;
    for (std::size_t i = 0; i < arms.size(); ++i)
      for (std::size_t j = i + 1; j < arms.size(); ++j) out.push_back({i, j});
    return out;
  }
  // "A vs B": the name of a pair in tables, JSON and HDF5.
  std::string pair_label(const ArmPair& pair) const { return arms.at(pair.arm).label + " vs " + arms.at(pair.versus).label; }
  // arms[pair.arm] − arms[pair.versus] for every headline metric, relative to arms[pair.versus].
  std::vector<MetricComparison> pair_metrics(const ArmPair& pair) const {
    return compare_metrics(arms.at(pair.versus), arms.at(pair.arm), pairing);
  }
};

// {"baseline": <run JSON>, "pairing": "paired"|"unpaired", "replications": R,
//  "strategies": {NAME: {"result": <run JSON>, "delta": {METRIC: {"mean", "ci95": [lo, hi]}},
//                        "relative": {…}, "significant": {METRIC: bool}}},
//  "pairs": {"A vs B": {"arm": "A", "versus": "B", "delta", "relative", "significant"}} (A − B),
//  "command_line", "created_utc", "git_commit": the baseline's provenance}
nlohmann::json comparison_to_json(const Comparison& comparison);
// One table per arm: metric | baseline | arm | Δ (95% CI) | Δ% | * where the CI excludes 0;
// then, with `pairs`, one per pair of arms (A vs B: B | A | A − B …).
std::string comparison_to_table(const Comparison& comparison, bool pairs = true);

}  // namespace journeysim
