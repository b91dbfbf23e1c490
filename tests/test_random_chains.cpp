// Property test: on randomly drawn static chains (loops, self-loops, every
// dwell kind, several purchase touchpoints), the engine agrees with the exact
// absorbing-chain analysis on conversion, purchases and journey time.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

#include "journeysim/analysis.hpp"
#include "journeysim/engine.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

std::string random_chain(std::mt19937& random) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const int count = std::uniform_int_distribution<int>(2, 7)(random);
  std::ostringstream yaml;
  yaml << "horizon_days: 20000\nstep_days: 20000\nmarket: {size: 20000}\n"
       << "awareness: {initial: {share: 1.0, via: {t0: 0.7, t" << count - 1 << ": 0.3}}}\ntouchpoints:\n";
  const char* dwells[] = {"0.5", "{exponential: 2.0}", "{lognormal: {mean: 1.0, sd: 2.0}}", "0"};
  for (int t = 0; t < count; ++t) {
    yaml << "  t" << t << ": {stage: consideration, dwell_days: " << dwells[random() % 4];
    if (unit(random) < 0.4) yaml << ", purchase: {revenue: 5}";
    yaml << "}\n";
  }
  yaml << "transitions:\n";
  for (int t = 0; t < count; ++t) {
    const double keep = 0.5 + 0.45 * unit(random);  // the rest drops off: no closed sets
    std::vector<double> weights(static_cast<size_t>(count));
    double total = 0.0;
    for (double& w : weights) total += (w = unit(random) < 0.5 ? unit(random) : 0.0);
    if (total == 0.0) continue;
    yaml << "  t" << t << ": {";
    bool first = true;
    for (int to = 0; to < count; ++to) {
      if (weights[static_cast<size_t>(to)] == 0.0) continue;
      yaml << (first ? "" : ", ") << "t" << to << ": " << std::round(1e6 * keep * weights[static_cast<size_t>(to)] / total) / 1e6;
      first = false;
    }
    yaml << "}\n";
  }
  return yaml.str();
}

TEST(RandomChains, EngineAgreesWithTheExactChain) {
  std::mt19937 random(20261123);
  for (int trial = 0; trial < 25; ++trial) {
    const std::string yaml = random_chain(random);
    SCOPED_TRACE(yaml);
    const Scenario scenario = testing::load_yaml(yaml);
    const ExactAnalysis exact = analyze(scenario);
    const RunResult run = run_scenario(scenario, {}).runs.at(0);
    ASSERT_EQ(run.in_progress + run.truncated, 0u);
    const double n = static_cast<double>(run.aware);
    const double p = exact.conversion_probability;
    EXPECT_WITHIN_SE(static_cast<double>(run.purchasers) / n, p, std::sqrt(std::max(p * (1 - p), 1e-12) / n), 4.0);
    EXPECT_WITHIN_SE(run.journey_days_mean, exact.expected_journey_days,
                     std::sqrt(std::max(run.journey_days_variance, 1e-12) / n), 4.0);
  }
}

}  // namespace
}  // namespace journeysim
