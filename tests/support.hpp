#pragma once
// Shared helpers for the test suites.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

#include "journeysim/load.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim::testing {

// Loads scenario YAML given inline; fails the test with the diagnostics on error.
inline Scenario load_yaml(const std::string& text, const std::string& name = "test.yaml") {
  Diagnostics diagnostics;
  auto scenario = load_scenario_text(text, name, diagnostics);
  if (!scenario) {
    ADD_FAILURE() << "scenario did not load:\n" << diagnostics.format();
    throw ScenarioError(diagnostics);
  }
  return *scenario;
}

inline std::string source_path(const std::string& relative) {
  return std::string(JOURNEYSIM_SOURCE_DIR) + "/" + relative;
}

// scenarios/ecosystem.yaml, loaded once for the whole test binary.
inline const Scenario& shipped_ecosystem() {
  static const Scenario scenario = load_scenario_or_throw(source_path("scenarios/ecosystem.yaml"));
  return scenario;
}

// The smallest valid scenario (an ad and a checkout), for tests that add
// something broken or big to it. Its line numbers are what such tests expect.
inline const std::string kMinimalScenario = R"(horizon_days: 90
market: {size: 10000}
awareness:
  channels:
    - {via: ad, rate: 0.01}
touchpoints:
  ad:       {stage: awareness, cost: 0.5, experience: 0.7}
  checkout: {stage: purchase, purchase: {revenue: 50}, experience: {mean: 0.8, sd: 0.1}}
transitions:
  ad: {checkout: 0.1}
)";

// Every dynamic on: word of mouth, reviews moving a rating-elastic edge,
// advocacy with expiry, segments, loops, all dwell kinds, refunds and
// retention spending.
inline const std::string kAllDynamicsScenario = R"(
name: all-dynamics
seed: 2024
horizon_days: 120
step_days: 0.5
market:
  size: 300000
  segments:
    - {name: researchers, share: 0.4, review_sensitivity: 1.5}
    - {name: impulsive, share: 0.6, awareness_multiplier: 1.3,
       transition_scale: {website->checkout: 1.4}, experience_shift: -0.05}
awareness:
  initial: {share: 0.01, via: {search: 0.7, website: 0.3}}
  channels:
    - {via: social_ad, rate: 0.004}
    - {via: search, rate: 0.002}
word_of_mouth: {via: friend_referral, rate: 0.3, advocate_days: 30}
touchpoints:
  social_ad:       {stage: awareness, cost: 0.5, experience: 0.6, dwell_days: {exponential: 1.0}}
  search:          {stage: awareness, cost: 1.2, experience: 0.7, dwell_days: 0.5}
  friend_referral: {stage: awareness, experience: 0.9}
  website:         {stage: consideration, experience: 0.7, dwell_days: {lognormal: {mean: 2.0, sd: 1.0}}}
  reviews:         {stage: consideration, experience: 0.6}
  checkout:        {stage: purchase, purchase: {revenue: 80.0}, experience: 0.95}
  support:         {stage: retention, cost: 4.0, experience: {mean: 0.5, sd: 0.2}, dwell_days: {exponential: 2.0}}
  returns:         {stage: retention, cost: 1.5, refund: {amount: 80.0}, dwell_days: 1.0}
transitions:
  social_ad:       {website: 0.25, reviews: 0.05}
  search:          {website: 0.50, reviews: 0.15}
  friend_referral: {website: 0.60, checkout: 0.20}
  website:         {reviews: 0.30, checkout: 0.12, social_ad: 0.05}
  reviews:         {website: 0.40, checkout: {p: 0.15, rating_elasticity: 2.0}}
  checkout:        {support: 0.20, checkout: 0.1}
  support:         {checkout: 0.10, returns: 0.3}
reviews: {post_probability: 0.3, prior: {rating: 0.7, weight: 20}}
advocacy: {promoter_at: 0.8, detractor_below: 0.7, advocate_probability: 0.5}
)";

// Results as JSON without what differs from run to run (timing, threads and processes).
inline nlohmann::json without_timing(nlohmann::json json) {
  for (const char* key : {"wall_seconds", "events_per_s", "threads", "processes"}) json.erase(key);
  if (json.contains("runs"))
    for (auto& run : json["runs"]) run.erase("wall_seconds");
  return json;
}

// |observed - expected| within `k` standard errors.
#define EXPECT_WITHIN_SE(observed, expected, standard_error, k)                                      \
  EXPECT_LE(std::abs((observed) - (expected)), (k) * (standard_error))                               \
      << "observed " << (observed) << ", expected " << (expected) << ", SE " << (standard_error)

}  // namespace journeysim::testing
