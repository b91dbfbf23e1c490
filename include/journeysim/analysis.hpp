#pragma once
// Exact analysis of a scenario's static part: influences frozen at their
// initial values (public rating = prior, no word of mouth), journeys run to
// completion (no horizon). Solves the absorbing Markov chain with Eigen.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journeysim/scenario.hpp"

namespace journeysim {

struct ExactAnalysis {
  // Where an aware customer enters (per touchpoint, sums to <= 1; the rest
  // drops off at once): initial awareness and the channels, weighted by the
  // expected number each makes aware over the horizon without word of mouth,
  // mixed over segments.
  std::vector<double> entry_distribution;
  double conversion_probability = 0.0;       // P(an aware customer ever purchases)
  std::vector<double> conversion_from;       // the same, per touchpoint entered (segment-mixed)
  std::vector<double> expected_visits;       // per aware customer, per touchpoint
  std::vector<double> expected_dropoffs;     // per aware customer: leaves the journey from here
  double expected_purchases = 0.0;          // per aware customer
  double expected_journey_days = 0.0;       // mean time from awareness to leaving
  double expected_cost = 0.0;               // per aware customer
  double expected_revenue = 0.0;            // per aware customer, gross
  double expected_refunds = 0.0;            // per aware customer
  // Expected net revenue per purchaser over the whole relationship (journeys
  // run to completion, no horizon): E[net revenue] / P(purchase). NaN when
  // nobody can purchase.
  double lifetime_value = 0.0;
  double expected_aware = 0.0;              // expected customers made aware by the horizon
};

ExactAnalysis analyze(const Scenario& scenario);

// P(an aware customer ever purchases) with the touchpoints flagged in
// `removed` (one flag per touchpoint; empty: none) taken away: whoever would
// enter one drops off, as `remove: touchpoints.X` does. Markov-chain
// attribution's removal effect of X is 1 - this / conversion_probability.
// Same entries, segments and rating as analyze(); NaN when nobody is aware.
double conversion_probability_without(const Scenario& scenario, const std::vector<bool>& removed);

// {"conversion_probability":…, "expected_purchases":…, "expected_journey_days":…,
//  "touchpoints":[{"name","entry","visits","dropoffs","conversion_from"}…], …}
nlohmann::json analysis_to_json(const Scenario& scenario, const ExactAnalysis& analysis);
// A readable table for the terminal.
std::string analysis_to_table(const Scenario& scenario, const ExactAnalysis& analysis);

}  // namespace journeysim
