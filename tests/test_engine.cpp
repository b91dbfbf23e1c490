// The engine against theory: the exact absorbing Markov chain, dwell
// distributions, awareness hazards; and determinism across thread counts.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "journeysim/analysis.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/io.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using testing::load_yaml;

// Loops (website ↔ reviews, website → ad, checkout → website, support ↔
// checkout), every dwell kind, a rating-elastic edge (at the prior rating),
// segments with a transition scale, and 10% of entrants dropping at once.
const char* const loops_yaml = R"(
name: loops
seed: 11
horizon_days: 20000
step_days: 2000
market:
  size: 20000
  segments:
    - {name: keen, share: 0.5, transition_scale: {website->checkout: 1.5}}
    - {name: casual, share: 0.5}
awareness:
  initial: {share: 1.0, via: {ad: 0.6, search: 0.3}}
touchpoints:
  ad:       {stage: awareness, cost: 0.5, dwell_days: {exponential: 1.0}}
  search:   {stage: awareness, cost: 1.0, dwell_days: 0.5}
  website:  {stage: consideration, experience: 0.7, dwell_days: {lognormal: {mean: 2.0, sd: 1.0}}}
  reviews:  {stage: consideration, dwell_days: {exponential: 0.5}}
  checkout: {stage: purchase, purchase: {revenue: 50}, dwell_days: 0.2}
  support:  {stage: retention, cost: 3, dwell_days: {exponential: 3.0}}
transitions:
  ad:       {website: 0.4, reviews: 0.1}
  search:   {website: 0.6, reviews: 0.2}
  website:  {reviews: 0.3, checkout: 0.2, ad: 0.1}
  reviews:  {website: 0.5, checkout: {p: 0.2, rating_elasticity: 1.5}}
  checkout: {support: 0.3, website: 0.2}
  support:  {checkout: 0.25, website: 0.1}
reviews: {post_probability: 0.0, prior: {rating: 0.7, weight: 10}}
)";

double mean(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double standard_error(const std::vector<double>& values) {
  const double m = mean(values);
  double squares = 0.0;
  for (double v : values) squares += (v - m) * (v - m);
  return std::sqrt(squares / static_cast<double>(values.size() - 1) / static_cast<double>(values.size()));
}

TEST(EngineVsExact, ConversionVisitsAndJourneyTimeMatchTheAbsorbingChain) {
  const Scenario scenario = load_yaml(loops_yaml);
  const ExactAnalysis exact = analyze(scenario);
  RunOptions options;
  options.replications = 30;
  const Results results = run_scenario(scenario, options);

  std::uint64_t aware = 0, purchasers = 0, finished = 0;
  double journey_sum = 0.0, journey_square_sum = 0.0;
  std::vector<double> purchases_per_aware, revenue_per_aware;
  std::vector<std::vector<double>> visits_per_aware(scenario.touchpoints.size());
  for (const RunResult& run : results.runs) {
    EXPECT_EQ(run.in_progress, 0u);
    EXPECT_EQ(run.truncated, 0u);
    aware += run.aware;
    purchasers += run.purchasers;
    finished += run.finished;
    const double n = static_cast<double>(run.finished);
    journey_sum += run.journey_days_mean * n;
    journey_square_sum += (run.journey_days_variance + run.journey_days_mean * run.journey_days_mean) * n;
    purchases_per_aware.push_back(static_cast<double>(run.purchases) / static_cast<double>(run.aware));
    revenue_per_aware.push_back(run.revenue / static_cast<double>(run.aware));
    for (size_t t = 0; t < scenario.touchpoints.size(); ++t)
      visits_per_aware[t].push_back(static_cast<double>(run.touchpoint_visits[t]) / static_cast<double>(run.aware));
  }
  ASSERT_EQ(aware, 30u * 20000u);
  EXPECT_EQ(finished, aware);

  const double conversion = static_cast<double>(purchasers) / static_cast<double>(aware);
  const double p = exact.conversion_probability;
  EXPECT_WITHIN_SE(conversion, p, std::sqrt(p * (1 - p) / static_cast<double>(aware)), 4.0);

  for (size_t t = 0; t < scenario.touchpoints.size(); ++t) {
    SCOPED_TRACE(scenario.touchpoints[t].name);
    EXPECT_WITHIN_SE(mean(visits_per_aware[t]), exact.expected_visits[t], standard_error(visits_per_aware[t]), 4.0);
  }
  EXPECT_WITHIN_SE(mean(purchases_per_aware), exact.expected_purchases, standard_error(purchases_per_aware), 4.0);
  EXPECT_WITHIN_SE(mean(revenue_per_aware), exact.expected_revenue, standard_error(revenue_per_aware), 4.0);

  const double n = static_cast<double>(finished);
  const double journey_mean = journey_sum / n;
  const double journey_variance = journey_square_sum / n - journey_mean * journey_mean;
  EXPECT_WITHIN_SE(journey_mean, exact.expected_journey_days, std::sqrt(journey_variance / n), 4.0);
}

// One touchpoint, entered by everyone at day 0 and left after its dwell: the
// journey time is one dwell draw.
Results run_single_dwell(const std::string& dwell, std::uint64_t customers) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 100000
step_days: 100000
market: {size: )" + std::to_string(customers) + R"(}
awareness: {initial: {share: 1.0, via: {wait: 1.0}}}
touchpoints:
  wait: {stage: consideration, dwell_days: )" + dwell + "}\n");
  return run_scenario(scenario, {});
}

void expect_dwell_moments(const std::string& dwell, double mean, double variance, double fourth_central) {
  SCOPED_TRACE(dwell);
  const std::uint64_t customers = 400000;
  const RunResult run = run_single_dwell(dwell, customers).runs.at(0);
  ASSERT_EQ(run.finished, customers);
  const double n = static_cast<double>(customers);
  EXPECT_WITHIN_SE(run.journey_days_mean, mean, std::sqrt(variance / n), 4.0);
  // SE of a sample variance: sqrt((mu4 - sigma^4) / n).
  EXPECT_WITHIN_SE(run.journey_days_variance, variance, std::sqrt((fourth_central - variance * variance) / n), 4.0);
}

TEST(EngineDwell, FixedExponentialAndLognormalHaveTheirMeanAndVariance) {
  const RunResult fixed = run_single_dwell("2.5", 1000).runs.at(0);
  EXPECT_NEAR(fixed.journey_days_mean, 2.5, 1e-6);
  EXPECT_NEAR(fixed.journey_days_variance, 0.0, 1e-9);

  expect_dwell_moments("{exponential: 3.0}", 3.0, 9.0, 9.0 * 81.0);

  // Lognormal with mean 2, sd 1: s^2 = ln(1 + 1/4); excess kurtosis from s^2.
  const double s2 = std::log1p(0.25);
  const double excess = std::exp(4 * s2) + 2 * std::exp(3 * s2) + 3 * std::exp(2 * s2) - 6;
  expect_dwell_moments("{lognormal: {mean: 2.0, sd: 1.0}}", 2.0, 1.0, 3.0 + excess);
}

TEST(EngineAwareness, ChannelHazardsGiveExponentialAwarenessSplitByRate) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 40
step_days: 8
market:
  size: 300000
  segments:
    - {name: slow, share: 0.5}
    - {name: fast, share: 0.5, awareness_multiplier: 2.0}
awareness:
  channels:
    - {via: ad, rate: 0.006}
    - {via: search, rate: 0.004}
touchpoints:
  ad: {stage: awareness}
  search: {stage: awareness}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  const double half = 150000.0;
  for (int s = 0; s < 2; ++s) {
    SCOPED_TRACE(s);
    const double hazard = 0.01 * (s == 0 ? 1.0 : 2.0);
    const double p = -std::expm1(-hazard * 40.0);
    EXPECT_WITHIN_SE(static_cast<double>(run.segments[s].aware) / half, p, std::sqrt(p * (1 - p) / half), 4.0);
  }
  // Channels split in proportion to their rates.
  const auto& series = run.series;
  const double via_ad = std::accumulate(series.newly_aware_by_channel[0].begin(), series.newly_aware_by_channel[0].end(), 0.0);
  const double total = static_cast<double>(run.aware);
  EXPECT_WITHIN_SE(via_ad / total, 0.6, std::sqrt(0.24 / total), 4.0);

  // Within a step, awareness times follow the truncated exponential: the
  // cumulative count by each day matches 1 - e^{-h t} even though the step is 8 days.
  double cumulative = 0.0;
  for (size_t day = 0; day < 40; ++day) {
    for (const auto& channel : series.newly_aware_by_channel) cumulative += static_cast<double>(channel[day]);
    const double t = static_cast<double>(day + 1);
    const double expected = half * (-std::expm1(-0.01 * t)) + half * (-std::expm1(-0.02 * t));
    const double variance = half * (-std::expm1(-0.01 * t)) * std::exp(-0.01 * t) +
                            half * (-std::expm1(-0.02 * t)) * std::exp(-0.02 * t);
    EXPECT_WITHIN_SE(cumulative, expected, std::sqrt(variance), 4.0) << "day " << day;
  }
}

TEST(EngineHorizon, CustomersStillTravellingAreInProgressNotLost) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 10
market: {size: 1000}
awareness: {initial: {share: 1.0, via: {slow: 1.0}}}
touchpoints:
  slow: {stage: consideration, dwell_days: 25}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  EXPECT_EQ(run.aware, 1000u);
  EXPECT_EQ(run.in_progress, 1000u);
  EXPECT_EQ(run.finished, 0u);
  EXPECT_EQ(run.touchpoint_dropoffs[0], 0u);
}

TEST(EngineLimits, AnEventCapTruncatesRunawayJourneys) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 10
market: {size: 200}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: consideration}
  b: {stage: consideration}
transitions:
  a: {b: 0.999999}
  b: {a: 0.999999}
)");
  RunOptions options;
  options.max_events_per_customer = 50;
  const RunResult run = run_scenario(scenario, options).runs.at(0);
  EXPECT_EQ(run.truncated + run.finished, 200u);
  EXPECT_GT(run.truncated, 190u);
}

TEST(EnginePurchases, RepeatPurchasesEarnRevenueButConvertOnce) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 100
market: {size: 5000}
awareness: {initial: {share: 1.0, via: {shop: 1.0}}}
touchpoints:
  shop: {stage: purchase, purchase: {revenue: 10}, cost: 1, dwell_days: 1}
transitions:
  shop: {shop: 0.5}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  EXPECT_EQ(run.purchasers, 5000u);
  EXPECT_EQ(run.purchases, run.touchpoint_visits[0]);
  EXPECT_DOUBLE_EQ(run.revenue, 10.0 * static_cast<double>(run.purchases));
  EXPECT_DOUBLE_EQ(run.cost, 1.0 * static_cast<double>(run.purchases));
  // Geometric number of purchases with mean 2.
  EXPECT_WITHIN_SE(static_cast<double>(run.purchases) / 5000.0, 2.0, std::sqrt(2.0 / 5000.0), 4.0);
  EXPECT_DOUBLE_EQ(run.first_purchase_days_mean, 0.0);
}

TEST(EngineSatisfaction, IsTheRunningMeanOfRatedExperiences) {
  // Everyone sees a (0.2) then b (unrated) then c (1.0) then buys at d (0.6):
  // satisfaction = mean(0.2, 1.0, 0.6) = 0.6 — a detractor below 0.7.
  const Scenario scenario = load_yaml(R"(
horizon_days: 10
market: {size: 100}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: awareness, experience: 0.2}
  b: {stage: consideration}
  c: {stage: consideration, experience: 1.0}
  d: {stage: purchase, purchase: {revenue: 1}, experience: 0.6}
transitions:
  a: {b: 1.0}
  b: {c: 1.0}
  c: {d: 1.0}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  EXPECT_EQ(run.purchasers, 100u);
  EXPECT_EQ(run.satisfaction_count, 100u);
  EXPECT_NEAR(run.satisfaction_sum / 100.0, 0.6, 1e-6);
  EXPECT_EQ(run.detractors, 100u);
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(EngineSatisfaction, ExactlyAtTheThresholdsClassifiesAsWritten) {
  // All experiences 0.9 = promoter_at: promoters (and advocates with
  // probability 1); all 0.7 = detractor_below: passives, not detractors.
  for (const char* experience : {"0.9", "0.7"}) {
    SCOPED_TRACE(experience);
    const Scenario scenario = testing::load_yaml(std::string(R"(
horizon_days: 10
market: {size: 100}
awareness: {initial: {share: 1.0, via: {a: 1.0}}}
touchpoints:
  a: {stage: awareness, experience: )") + experience + R"(}
  d: {stage: purchase, purchase: {revenue: 1}, experience: )" + experience + R"(}
transitions:
  a: {d: 1.0}
advocacy: {promoter_at: 0.9, detractor_below: 0.7, advocate_probability: 1.0}
)");
    const RunResult run = run_scenario(scenario, {}).runs.at(0);
    EXPECT_EQ(run.purchasers, 100u);
    EXPECT_EQ(run.detractors, 0u);
    if (std::string(experience) == "0.9") {
      EXPECT_EQ(run.promoters, 100u);
      EXPECT_EQ(run.advocates, 100u);
    } else {
      EXPECT_EQ(run.passives, 100u);
      EXPECT_EQ(run.advocates, 0u);
    }
  }
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(EngineTimes, ZeroDwellBuyersHaveExactlyZeroDelayAtAnyAwarenessTime) {
  // Awareness times are arbitrary reals up to 3000 days; delays and journey
  // lengths are differences of times and must not pick up rounding.
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 3000
step_days: 7
market: {size: 20000}
awareness: {channels: [{via: buy, rate: 0.001}]}
touchpoints:
  buy: {stage: purchase, purchase: {revenue: 1}}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  ASSERT_GT(run.purchasers, 1000u);
  EXPECT_EQ(run.first_purchase_days_p90, 0.0);
  EXPECT_EQ(run.first_purchase_days_mean, 0.0);
  EXPECT_EQ(run.journey_days_mean, 0.0);
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(EngineStrategies, RemovingATouchpointIsItsRemovalEffect) {
  // Half the market hears of us through an ad, half through search; the ad's
  // touchpoint converts 0.4 of its visitors and search 0.2. Removing the ad
  // touchpoint keeps everyone aware but sends the ad's half to drop-off, so
  // conversion falls from 0.3 to 0.1 — exactly as the absorbing chain says.
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 10
market: {size: 100000}
awareness: {initial: {share: 1.0, via: {ad: 0.5, search: 0.5}}}
touchpoints:
  ad:     {stage: awareness}
  search: {stage: awareness}
  buy:    {stage: purchase, purchase: {revenue: 1}}
transitions:
  ad: {buy: 0.4}
  search: {buy: 0.2}
strategies:
  no_ad: [{remove: touchpoints.ad}]
)");
  Diagnostics diagnostics;
  const auto removed = apply_strategy(scenario, "no_ad", diagnostics);
  ASSERT_TRUE(removed) << diagnostics.format();
  EXPECT_NEAR(analyze(scenario).conversion_probability, 0.3, 1e-12);
  EXPECT_NEAR(analyze(*removed).conversion_probability, 0.1, 1e-12);
  const Results results = run_scenario(*removed, {});
  const RunResult& run = results.runs.at(0);
  EXPECT_EQ(run.aware, 100000u);
  EXPECT_WITHIN_SE(static_cast<double>(run.purchasers) / 1e5, 0.1, std::sqrt(0.09 / 1e5), 4.0);
  // The ad's half is counted where it left: dropped on entry.
  ASSERT_EQ(results.entries.at(0), "initial");
  const int search = removed->touchpoint_index("search");
  EXPECT_EQ(run.entry_dropoffs.at(0) + run.touchpoint_visits.at(static_cast<size_t>(search)), 100000u);
  EXPECT_WITHIN_SE(static_cast<double>(run.entry_dropoffs[0]), 50000.0, std::sqrt(25000.0), 4.0);
  bool listed = false;
  const nlohmann::json json = results_to_json(results);
  for (const auto& flow : json.at("flows"))
    listed |= flow.at("from") == "initial" && flow.at("to") == "drop-off" && flow.at("dropoff") == true;
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(EngineOutputs, TwoChannelsIntoOneTouchpointKeepDistinctNames) {
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 10
market: {size: 1000}
awareness: {channels: [{via: a, rate: 0.1}, {via: a, rate: 0.2}]}
touchpoints:
  a: {stage: awareness}
)");
  const Results results = run_scenario(scenario, {});
  EXPECT_EQ(results.channels, (std::vector<std::string>{"a", "a#2"}));
  ASSERT_GE(results.flows.size(), 2u);
  EXPECT_EQ(results.flows[0].from, "channel:a");
  EXPECT_EQ(results.flows[1].from, "channel:a#2");
  EXPECT_EQ(results.entries, (std::vector<std::string>{"initial", "channel:a", "channel:a#2", "word_of_mouth"}));
}

}  // namespace
}  // namespace journeysim
