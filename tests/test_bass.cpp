// The Bass diffusion model as a special case of the engine: one purchase
// touchpoint entered by a channel (p) and word of mouth (q), dwell 0,
// experience 1, every buyer an advocate forever. Cumulative purchasers/market
// must follow F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t}), with an error
// that shrinks as step_days shrinks (influences are frozen within a step).
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "journeysim/engine.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

double bass_fraction(double p, double q, double t) {
  const double decay = std::exp(-(p + q) * t);
  return (1.0 - decay) / (1.0 + (q / p) * decay);
}

constexpr double market = 1'000'000.0;

// Largest |simulated − closed form| over the end of every day.
double max_bass_error(double p, double q, double step_days) {
  const Scenario scenario = testing::load_yaml(
      "horizon_days: 30\nstep_days: " + std::to_string(step_days) +
      "\nmarket: {size: 1000000}\n"
      "awareness: {channels: [{via: buy, rate: " + std::to_string(p) + "}]}\n"
      "word_of_mouth: {via: buy, rate: " + std::to_string(q) + "}\n"
      "touchpoints:\n  buy: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}\n"
      "advocacy: {advocate_probability: 1.0}\n");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  const auto& cumulative = run.series.purchasers_cumulative;
  EXPECT_EQ(cumulative.size(), 30u);
  double worst = 0.0;
  for (size_t day = 0; day < cumulative.size(); ++day) {
    const double simulated = static_cast<double>(cumulative[day]) / market;
    worst = std::max(worst, std::abs(simulated - bass_fraction(p, q, static_cast<double>(day + 1))));
  }
  return worst;
}

class BassLimit : public ::testing::TestWithParam<std::pair<double, double>> {};

TEST_P(BassLimit, FollowsTheClosedFormAndConvergesAsTheStepShrinks) {
  const auto [p, q] = GetParam();
  const double coarse = max_bass_error(p, q, 1.0);
  const double medium = max_bass_error(p, q, 0.1);
  const double fine = max_bass_error(p, q, 0.01);
  // Freezing advocates for a step lags adoption by O(step): a tenfold smaller
  // step must cut the error several-fold until sampling noise (~1e-4) remains.
  EXPECT_GT(coarse, 4.0 * medium) << "coarse " << coarse << ", medium " << medium;
  EXPECT_GT(medium, fine) << "medium " << medium << ", fine " << fine;
  // Within 0.2% of the market on every day.
  EXPECT_LT(fine, 0.002);
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
    EXPECT_WITHIN_SE(static_cast<double>(run.series.purchasers_cumulative[day]) / market, expected,
                     std::sqrt(expected * (1 - expected) / market), 4.0);
  }
}

}  // namespace
}  // namespace journeysim
