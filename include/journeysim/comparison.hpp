#pragma once
// A comparison: a baseline and arms run on the same market. Paired when
// replication k of every arm shares the baseline's seed and per-customer
// streams (strategies of one scenario: common random numbers); unpaired for
// results that share nothing (two scenario files), compared by Welch.
//
//   Comparison comparison{baseline, {fix_support, referral}, Pairing::paired};
//   for (const MetricComparison& row : comparison.metrics(0)) …   // arm 0 vs baseline
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

struct Comparison {
  Results baseline;
  std::vector<Results> arms;  // each arm's label names it
  Pairing pairing = Pairing::paired;

  std::vector<MetricComparison> metrics(std::size_t arm) const {
    return compare_metrics(baseline, arms.at(arm), pairing);
  }
};

// {"baseline": <run JSON>, "pairing": "paired"|"unpaired", "replications": R,
//  "strategies": {NAME: {"result": <run JSON>, "delta": {METRIC: {"mean", "ci95": [lo, hi]}},
//                        "relative": {…}, "significant": {METRIC: bool}}},
//  "command_line", "created_utc", "git_commit": the baseline's provenance}
nlohmann::json comparison_to_json(const Comparison& comparison);
// One table per arm: metric | baseline | arm | Δ (95% CI) | Δ% | * where the CI excludes 0.
std::string comparison_to_table(const Comparison& comparison);

}  // namespace journeysim
