#pragma once
// Shared helpers for the test suites.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

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

// |observed - expected| within `k` standard errors.
#define EXPECT_WITHIN_SE(observed, expected, standard_error, k)                                      \
  EXPECT_LE(std::abs((observed) - (expected)), (k) * (standard_error))                               \
      << "observed " << (observed) << ", expected " << (expected) << ", SE " << (standard_error)

}  // namespace journeysim::testing
