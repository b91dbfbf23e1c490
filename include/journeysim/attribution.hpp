#pragma once
// Which channels earn the conversions: Markov-chain removal effects, exact
// from the absorbing chain (and, on request, from paired simulation), beside
// the heuristics analytics tools report (first, last and linear touch).
//
//   Scenario scenario = load_scenario_or_throw("fitted.yaml");
//   ObservedJourneys paths = read_observed_journeys("paths.csv");
//   Attribution credit = attribute(scenario, &paths, {.simulate = true});
//   std::cout << attribution_to_table(credit);
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "journeysim/observed.hpp"
#include "journeysim/scenario.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {

struct AttributionOptions {
  bool simulate = false;               // also estimate each removal effect by paired simulation
  std::uint32_t replications = 10;     // for simulate; >= 2
  unsigned threads = 0;
  std::optional<std::uint64_t> seed;   // default: the scenario's
  std::optional<std::uint64_t> market_size;
  std::uint32_t max_events_per_customer = 1'000'000;
};

struct ChannelCredit {
  // A touchpoint that is not a purchase; in a fitted higher-order scenario
  // the channel its histories end in ("alpha>beta" and "beta" are both beta).
  std::string channel;
  std::vector<std::string> touchpoints;
  double removal_effect = 0.0;  // 1 − P(convert | channel removed) / P(convert)
  double attributed_conversions = 0.0;  // removal effects scaled to sum to the total conversions
  double attributed_value = 0.0;
  std::optional<Interval> simulated_removal_effect;  // per replication 1 − arm/baseline conversion rate
};

// Heuristic credit from observed journeys, per data channel (named as fit names it).
struct HeuristicCredit {
  std::string channel;
  double first_touch = 0.0, last_touch = 0.0, linear_touch = 0.0;  // conversions
  double first_touch_value = 0.0, last_touch_value = 0.0, linear_touch_value = 0.0;
};

struct Attribution {
  std::string scenario_name;
  double conversion_probability = 0.0;  // exact, of an aware customer
  // What the removal effects are scaled to: the observed journeys' totals
  // when given, else the scenario's expectation (expected aware × P(convert),
  // × revenue per aware customer).
  double total_conversions = 0.0;
  double total_value = 0.0;
  std::string totals_from;
  std::vector<ChannelCredit> channels;
  std::vector<HeuristicCredit> heuristics;  // empty without observed journeys
  std::uint32_t replications = 0;           // of the simulation; 0: not simulated
  std::uint64_t seed = 0;
  std::uint64_t market_size = 0;
  double exact_seconds = 0.0;
  double simulation_seconds = 0.0;
};

Attribution attribute(const Scenario& scenario, const ObservedJourneys* observed, const AttributionOptions& options);

// {"removal_effect": {tp: x}, "attributed_conversions": {…}, "attributed_value": {…},
//  "heuristics": {"first_touch": {…}, "last_touch": {…}, "linear_touch": {…}}, …}
nlohmann::json attribution_to_json(const Attribution& attribution);
std::string attribution_to_table(const Attribution& attribution);

}  // namespace journeysim
