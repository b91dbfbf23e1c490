// The Bass diffusion model as a special case of the engine: one purchase
// touchpoint entered by a channel (p) and word of mouth (q), dwell 0,
// experience 1, every buyer an advocate forever.
//
// Two facts are checked separately, so each has a sharp tolerance:
//  1. The engine is exactly its synchronisation scheme: advocates frozen at
//     each step start make the unaware fraction follow, in expectation,
//     U_{k+1} = U_k · exp(−(p + q·(1 − U_k))·step). Simulated cumulative
//     purchasers match that recursion within 4 standard errors on every day,
//     at a coarse step (where it is far from Bass) and a fine one.
//  2. The scheme converges to Bass's closed form
//     F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t}) at rate O(step).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "journeysim/engine.hpp"
#include "journeysim/load.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

double bass_fraction(double p, double q, double t) {
  const double decay = std::exp(-(p + q) * t);
  return (1.0 - decay) / (1.0 + (q / p) * decay);
}

// Adopted fraction at the end of each day under the frozen-advocate scheme.
std::vector<double> frozen_step_bass(double p, double q, double step, int days) {
  const auto steps_per_day = static_cast<int>(std::lround(1.0 / step));
  std::vector<double> adopted;
  double unaware = 1.0;
  for (int day = 0; day < days; ++day) {
    for (int k = 0; k < steps_per_day; ++k) unaware *= std::exp(-(p + q * (1.0 - unaware)) * step);
    adopted.push_back(1.0 - unaware);
  }
  return adopted;
}

double max_error_against_bass(double p, double q, double step, int days = 30) {
  const auto scheme = frozen_step_bass(p, q, step, days);
  double worst = 0.0;
  for (size_t day = 0; day < scheme.size(); ++day)
    worst = std::max(worst, std::abs(scheme[day] - bass_fraction(p, q, static_cast<double>(day + 1))));
  return worst;
}

Scenario bass_scenario(double p, double q, double step, int market) {
  return testing::load_yaml("horizon_days: 30\nstep_days: " + std::to_string(step) +
                            "\nmarket: {size: " + std::to_string(market) + "}\n"
                            "awareness: {channels: [{via: buy, rate: " + std::to_string(p) + "}]}\n"
                            "word_of_mouth: {via: buy, rate: " + std::to_string(q) + "}\n"
                            "touchpoints:\n  buy: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}\n"
                            "advocacy: {advocate_probability: 1.0}\n");
}

class BassLimit : public ::testing::TestWithParam<std::pair<double, double>> {};

// scenarios/bass.yaml states the error of its step against the closed form;
// the number must be the one its scheme gives (largest over its days), with
// p, q, the step and the horizon read from the file itself — so changing any
// of them without the stated error fails here.
TEST(BassScenarioFile, StatedStepErrorIsTheMeasuredOne) {
  const std::string path = std::string(JOURNEYSIM_SOURCE_DIR) + "/scenarios/bass.yaml";
  Diagnostics diagnostics;
  const auto scenario = load_scenario_file(path, diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  // The Bass special case, or the closed form is not the file's answer.
  ASSERT_EQ(scenario->touchpoints.size(), 1u);
  ASSERT_EQ(scenario->awareness.channels.size(), 1u);
  ASSERT_TRUE(scenario->word_of_mouth.enabled);
  const Touchpoint& adopt = scenario->touchpoints[0];
  EXPECT_TRUE(adopt.purchase_revenue.has_value());
  EXPECT_EQ(adopt.dwell.kind, Dwell::Kind::fixed);
  EXPECT_EQ(adopt.dwell.mean, 0.0);
  EXPECT_EQ(adopt.experience.mean, 1.0);
  EXPECT_EQ(scenario->awareness.channels[0].via, adopt.name);
  EXPECT_EQ(scenario->word_of_mouth.via, adopt.name);
  EXPECT_FALSE(scenario->word_of_mouth.advocate_days.has_value());
  EXPECT_EQ(scenario->advocacy.advocate_probability, 1.0);
  EXPECT_TRUE(scenario->segments.empty());
  EXPECT_EQ(scenario->awareness.initial_share, 0.0);
  const double p = scenario->awareness.channels[0].rate, q = scenario->word_of_mouth.rate;
  const double step = scenario->step_days;
  const int days = static_cast<int>(std::lround(scenario->horizon_days));
  ASSERT_EQ(static_cast<double>(days), scenario->horizon_days) << "whole days";
  ASSERT_NEAR(1.0 / step, std::round(1.0 / step), 1e-9) << "the scheme needs a whole number of steps a day";

  std::ifstream in(path);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const std::string marker = "error ≈ ";
  const auto at = text.find(marker);
  ASSERT_NE(at, std::string::npos);
  const double stated_percent = std::stod(text.substr(at + marker.size()));
  const double measured_percent = 100.0 * max_error_against_bass(p, q, step, days);
  // The file states two decimals: within half of its last digit.
  EXPECT_NEAR(stated_percent, measured_percent, 0.005) << "measured " << measured_percent << "% for p " << p
                                                       << ", q " << q << ", step " << step;
}

TEST_P(BassLimit, EngineFollowsItsFrozenStepSchemeWithinFourStandardErrors) {
  const auto [p, q] = GetParam();
  constexpr int market = 100000;
  constexpr std::uint32_t replications = 16;
  for (const double step : {0.5, 0.02}) {
    SCOPED_TRACE("step_days " + std::to_string(step));
    RunOptions options;
    options.replications = replications;
    const Results results = run_scenario(bass_scenario(p, q, step, market), options);
    const auto expected = frozen_step_bass(p, q, step, 30);
    for (size_t day = 0; day < expected.size(); ++day) {
      double sum = 0.0, squares = 0.0;
      for (const RunResult& run : results.runs) {
        const double adopted = static_cast<double>(run.series.purchasers_cumulative.at(day)) / market;
        sum += adopted;
        squares += adopted * adopted;
      }
      const double mean = sum / replications;
      const double variance = (squares - replications * mean * mean) / (replications - 1);
      // Never below the binomial error of one replication's day (guards a tiny sample sd).
      const double floor = expected[day] * (1 - expected[day]) / market;
      const double standard_error = std::sqrt(std::max(variance, floor) / replications);
      EXPECT_WITHIN_SE(mean, expected[day], standard_error, 4.0) << "day " << day;
    }
  }
}

TEST_P(BassLimit, FrozenStepSchemeConvergesToTheClosedFormAtRateStep) {
  const auto [p, q] = GetParam();
  const double coarse = max_error_against_bass(p, q, 0.1);
  const double fine = max_error_against_bass(p, q, 0.01);
  const double finest = max_error_against_bass(p, q, 0.001);
  // First order: ten times smaller steps, about ten times smaller error.
  EXPECT_NEAR(coarse / fine, 10.0, 1.5);
  EXPECT_NEAR(fine / finest, 10.0, 1.5);
  EXPECT_LT(finest, 5e-4);
}

TEST_P(BassLimit, SimulationApproachesTheClosedFormAsTheStepShrinks) {
  const auto [p, q] = GetParam();
  constexpr int market = 1000000;
  double previous = 1.0;
  for (const double step : {1.0, 0.1, 0.01}) {
    const RunResult run = run_scenario(bass_scenario(p, q, step, market), {}).runs.at(0);
    double worst = 0.0;
    for (size_t day = 0; day < 30; ++day)
      worst = std::max(worst, std::abs(static_cast<double>(run.series.purchasers_cumulative[day]) / market -
                                       bass_fraction(p, q, static_cast<double>(day + 1))));
    // The scheme's own O(step) error plus 4 sampling SDs of one run: across
    // replications at 1e5 customers a day's fraction has SD <= 4.7e-3 for
    // these pairs, so at 1e6 <= 1.5e-3, and 4 SD = 6e-3.
    EXPECT_LT(worst, max_error_against_bass(p, q, step) + 6e-3) << "step " << step;
    EXPECT_LT(worst, previous) << "step " << step;
    previous = worst;
  }
}

INSTANTIATE_TEST_SUITE_P(ClassicPairs, BassLimit,
                         ::testing::Values(std::pair{0.03, 0.38},  // Bass's durable-goods averages
                                           std::pair{0.01, 0.5},   // imitation-driven
                                           std::pair{0.05, 0.1})); // innovation-driven

TEST(BassLimit, PureInnovationIsExponential) {
  // q = 0 leaves F(t) = 1 − e^{−pt}, exact for any step (no frozen influence).
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 20
step_days: 5
market: {size: 1000000}
awareness: {channels: [{via: buy, rate: 0.05}]}
touchpoints:
  buy: {stage: purchase, purchase: {revenue: 1}}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  for (size_t day = 0; day < 20; ++day) {
    const double expected = -std::expm1(-0.05 * static_cast<double>(day + 1));
    EXPECT_WITHIN_SE(static_cast<double>(run.series.purchasers_cumulative[day]) / 1e6, expected,
                     std::sqrt(expected * (1 - expected) / 1e6), 4.0);
  }
}

}  // namespace
}  // namespace journeysim
