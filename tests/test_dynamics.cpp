// Ecosystem dynamics: reviews, advocacy with expiry, word of mouth, segments,
// and the direction and size of the feedback they create.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "journeysim/engine.hpp"
#include "journeysim/load.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using testing::load_yaml;

double total(const std::vector<std::uint64_t>& values) {
  return static_cast<double>(std::accumulate(values.begin(), values.end(), std::uint64_t{0}));
}

double conversion(const RunResult& run) {
  return static_cast<double>(run.purchasers) / static_cast<double>(run.aware);
}

TEST(DynamicsReviews, PublicRatingIsTheBayesianMeanOfPostedRatings) {
  // Every buyer is fully satisfied (rating 1.0); half post a review.
  const Scenario scenario = load_yaml(R"(
horizon_days: 10
market: {size: 20000}
awareness: {channels: [{via: buy, rate: 0.05}]}
touchpoints:
  buy: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
reviews: {post_probability: 0.5, prior: {rating: 0.6, weight: 100}}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  const double purchases = static_cast<double>(run.purchases);
  EXPECT_WITHIN_SE(static_cast<double>(run.reviews), 0.5 * purchases, std::sqrt(0.25 * purchases), 4.0);
  const double n = static_cast<double>(run.reviews);
  EXPECT_NEAR(run.final_public_rating, (0.6 * 100 + n) / (100 + n), 1e-9);
  // The series rises monotonically from the prior towards 1.
  EXPECT_GT(run.series.public_rating.front(), 0.6);
  for (size_t d = 1; d < run.series.public_rating.size(); ++d)
    EXPECT_GE(run.series.public_rating[d], run.series.public_rating[d - 1]);
}

TEST(DynamicsReviews, ARisingRatingLiftsElasticTransitions) {
  // Ratings of 1.0 against a prior of 0.5 with little weight: R → ~1, so the
  // elastic edge's probability goes from 0.2 to 0.2·(1/0.5)^1 = 0.4 for later buyers.
  const std::string base = R"(
horizon_days: 60
market: {size: 200000}
awareness: {channels: [{via: look, rate: 0.02}]}
touchpoints:
  look: {stage: consideration}
  buy:  {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
transitions:
  look: {buy: {p: 0.2, rating_elasticity: 1.0}}
)";
  const RunResult without = run_scenario(load_yaml(base), {}).runs.at(0);
  const RunResult with =
      run_scenario(load_yaml(base + "reviews: {post_probability: 1.0, prior: {rating: 0.5, weight: 1}}\n"), {})
          .runs.at(0);
  EXPECT_WITHIN_SE(conversion(without), 0.2, std::sqrt(0.16 / static_cast<double>(without.aware)), 4.0);
  EXPECT_GT(with.final_public_rating, 0.999);
  // All but the first day's customers see R ≈ 1.
  EXPECT_WITHIN_SE(conversion(with), 0.4, 0.01, 1.0);
}

TEST(DynamicsAdvocacy, AdvocatesExpireExponentially) {
  // Everyone buys at day 0, satisfied; all become advocates for Exp(mean 10) days.
  const Scenario scenario = load_yaml(R"(
horizon_days: 30
market: {size: 100000}
awareness: {initial: {share: 1.0, via: {buy: 1.0}}}
word_of_mouth: {via: buy, rate: 0.0, advocate_days: 10}
touchpoints:
  buy: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
advocacy: {advocate_probability: 1.0}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  EXPECT_EQ(run.advocates, 100000u);
  for (size_t day = 0; day < 30; ++day) {
    const double survive = std::exp(-static_cast<double>(day + 1) / 10.0);
    EXPECT_WITHIN_SE(static_cast<double>(run.series.active_advocates[day]) / 1e5, survive,
                     std::sqrt(survive * (1 - survive) / 1e5), 4.0)
        << "day " << day;
  }
}

TEST(DynamicsAdvocacy, OnlyPromotersBecomeAdvocatesWithTheGivenProbability) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 5
market: {size: 40000}
awareness: {initial: {share: 1.0, via: {happy: 0.5, unhappy: 0.5}}}
touchpoints:
  happy:   {stage: consideration, experience: 0.95}
  unhappy: {stage: consideration, experience: 0.5}
  buy:     {stage: purchase, purchase: {revenue: 1}}
transitions:
  happy: {buy: 1.0}
  unhappy: {buy: 1.0}
advocacy: {promoter_at: 0.9, detractor_below: 0.7, advocate_probability: 0.3}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  const double promoters = static_cast<double>(run.promoters);
  EXPECT_WITHIN_SE(promoters, 20000.0, std::sqrt(40000 * 0.25), 4.0);
  EXPECT_EQ(run.promoters + run.detractors, run.purchasers);
  EXPECT_WITHIN_SE(static_cast<double>(run.advocates) / promoters, 0.3, std::sqrt(0.21 / promoters), 4.0);
  // NPS = 100·(promoters − detractors)/purchasers.
  const double nps = 100.0 * (promoters - static_cast<double>(run.detractors)) / static_cast<double>(run.purchasers);
  EXPECT_NEAR(nps, 0.0, 4.0 * 100.0 / std::sqrt(40000.0));
}

// A small ecosystem where support quality feeds the rating and advocates refer.
const char* const feedback_yaml = R"(
horizon_days: 120
market: {size: 300000}
awareness: {channels: [{via: ad, rate: 0.005}]}
word_of_mouth: {via: referral, rate: 0.25, advocate_days: 60}
touchpoints:
  ad:       {stage: awareness, cost: 1.0, experience: 0.8}
  referral: {stage: awareness, experience: 0.9}
  reviews:  {stage: consideration}
  checkout: {stage: purchase, purchase: {revenue: 50}, experience: 0.9}
  support:  {stage: retention, cost: 3.0, experience: {mean: 0.4, sd: 0.1}}
transitions:
  ad:       {reviews: 0.6}
  referral: {reviews: 0.8}
  reviews:  {checkout: {p: 0.25, rating_elasticity: 2.0}}
  checkout: {support: 0.6}
  support:  {checkout: 0.7}        # repeat purchases after support: their reviews judge support
reviews: {post_probability: 0.5, prior: {rating: 0.7, weight: 50}}
advocacy: {promoter_at: 0.75, detractor_below: 0.6, advocate_probability: 0.5}
)";

TEST(DynamicsFeedback, BetterSupportRaisesRatingAndConversion) {
  Scenario poor = load_yaml(feedback_yaml);
  Scenario good = poor;
  good.touchpoints[static_cast<size_t>(good.touchpoint_index("support"))].experience.mean = 0.9;
  const RunResult poor_run = run_scenario(poor, {}).runs.at(0);
  const RunResult good_run = run_scenario(good, {}).runs.at(0);
  EXPECT_GT(good_run.final_public_rating, poor_run.final_public_rating + 0.05);
  const double se = std::sqrt(conversion(poor_run) * (1 - conversion(poor_run)) / static_cast<double>(poor_run.aware) +
                              conversion(good_run) * (1 - conversion(good_run)) / static_cast<double>(good_run.aware));
  EXPECT_GT(conversion(good_run) - conversion(poor_run), 4.0 * se);
  // Happier buyers advocate, and advocates bring in more customers.
  EXPECT_GT(good_run.advocates, poor_run.advocates);
  EXPECT_GT(total(good_run.series.newly_aware_word_of_mouth), total(poor_run.series.newly_aware_word_of_mouth));
}

TEST(DynamicsFeedback, AHigherReferralRateBringsMoreWordOfMouthAwareness) {
  Scenario base = load_yaml(feedback_yaml);
  base.touchpoints[static_cast<size_t>(base.touchpoint_index("support"))].experience.mean = 0.9;
  Scenario referral = base;
  referral.word_of_mouth.rate = 0.4;
  const RunResult base_run = run_scenario(base, {}).runs.at(0);
  const RunResult referral_run = run_scenario(referral, {}).runs.at(0);
  const double before = total(base_run.series.newly_aware_word_of_mouth);
  const double after = total(referral_run.series.newly_aware_word_of_mouth);
  ASSERT_GT(before, 500.0);
  EXPECT_GT(after - before, 4.0 * std::sqrt(before + after));
  EXPECT_GT(referral_run.aware, base_run.aware);
}

TEST(DynamicsFeedback, EcosystemOutgrowsTheFunnelOnTheSameBudget) {
  Diagnostics diagnostics;
  auto funnel = load_scenario_file(testing::source_path("scenarios/funnel.yaml"), diagnostics);
  auto ecosystem = load_scenario_file(testing::source_path("scenarios/ecosystem.yaml"), diagnostics);
  ASSERT_TRUE(funnel && ecosystem) << diagnostics.format();
  RunOptions options;
  options.market_size = 300000;
  const RunResult funnel_run = run_scenario(*funnel, options).runs.at(0);
  const RunResult ecosystem_run = run_scenario(*ecosystem, options).runs.at(0);
  // Same paid channels and rates…
  ASSERT_EQ(funnel->awareness.channels.size(), ecosystem->awareness.channels.size());
  for (size_t c = 0; c < funnel->awareness.channels.size(); ++c) {
    EXPECT_EQ(funnel->awareness.channels[c].via, ecosystem->awareness.channels[c].via);
    EXPECT_EQ(funnel->awareness.channels[c].rate, ecosystem->awareness.channels[c].rate);
  }
  // …but word of mouth adds awareness, and loops and referrals add buyers.
  EXPECT_EQ(total(funnel_run.series.newly_aware_word_of_mouth), 0.0);
  EXPECT_GT(total(ecosystem_run.series.newly_aware_word_of_mouth), 0.0);
  EXPECT_GT(ecosystem_run.aware, funnel_run.aware);
  EXPECT_GT(ecosystem_run.purchasers, funnel_run.purchasers);
  EXPECT_GT(ecosystem_run.purchases, funnel_run.purchases);
  EXPECT_EQ(funnel_run.advocates, 0u);
  EXPECT_GT(ecosystem_run.advocates, 0u);
}

TEST(DynamicsSegments, HeterogeneityShowsInThePerSegmentBreakdown) {
  const Scenario scenario = load_yaml(R"(
horizon_days: 60
market:
  size: 400000
  segments:
    - {name: cautious, share: 0.5}
    - {name: eager, share: 0.5, awareness_multiplier: 2.0, transition_scale: {look->buy: 2.0}, experience_shift: -0.2}
awareness: {channels: [{via: look, rate: 0.01}]}
touchpoints:
  look: {stage: consideration, experience: 0.8}
  buy:  {stage: purchase, purchase: {revenue: 1}, experience: 0.8}
transitions:
  look: {buy: 0.2}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  const SegmentTally& cautious = run.segments.at(0);
  const SegmentTally& eager = run.segments.at(1);
  const double half = 200000.0;
  const double aware_cautious = -std::expm1(-0.01 * 60), aware_eager = -std::expm1(-0.02 * 60);
  EXPECT_WITHIN_SE(static_cast<double>(cautious.aware) / half, aware_cautious,
                   std::sqrt(aware_cautious * (1 - aware_cautious) / half), 4.0);
  EXPECT_WITHIN_SE(static_cast<double>(eager.aware) / half, aware_eager,
                   std::sqrt(aware_eager * (1 - aware_eager) / half), 4.0);
  const double n_cautious = static_cast<double>(cautious.aware), n_eager = static_cast<double>(eager.aware);
  EXPECT_WITHIN_SE(static_cast<double>(cautious.purchasers) / n_cautious, 0.2, std::sqrt(0.16 / n_cautious), 4.0);
  EXPECT_WITHIN_SE(static_cast<double>(eager.purchasers) / n_eager, 0.4, std::sqrt(0.24 / n_eager), 4.0);
  EXPECT_NEAR(cautious.satisfaction_sum / static_cast<double>(cautious.satisfaction_count), 0.8, 1e-6);
  EXPECT_NEAR(eager.satisfaction_sum / static_cast<double>(eager.satisfaction_count), 0.6, 1e-6);
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(DynamicsAdvocacy, ActiveAtAHorizonBetweenWholeDays) {
  // The last day is cut at the horizon (0.5): advocates ending after it are still active.
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 0.5
market: {size: 100000}
awareness: {initial: {share: 1.0, via: {buy: 1.0}}}
word_of_mouth: {via: buy, rate: 0.0, advocate_days: 1}
touchpoints:
  buy: {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
advocacy: {advocate_probability: 1.0}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  const double survive = std::exp(-0.5);
  EXPECT_WITHIN_SE(static_cast<double>(run.final_active_advocates) / 1e5, survive,
                   std::sqrt(survive * (1 - survive) / 1e5), 4.0);
}

TEST(DynamicsReviews, ANegativeElasticityAtARatingOfZeroTakesTheWholeRow) {
  // (0/prior)^(-1) is infinite: the elastic edge must take (nearly) all of
  // the row, as the formula's limit does — not a NaN that silently spreads
  // the row evenly.
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 20
market: {size: 20000}
awareness: {channels: [{via: gate, rate: 0.1}]}
touchpoints:
  gate:  {stage: consideration}
  buy:   {stage: purchase, purchase: {revenue: 1}, experience: 0.0}
  other: {stage: consideration}
transitions:
  gate: {buy: {p: 0.5, rating_elasticity: -1.0}, other: 0.3}
reviews: {post_probability: 1.0, prior: {rating: 0.5, weight: 0}}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  EXPECT_EQ(run.final_public_rating, 0.0);
  // Day 0 customers see the prior (0.5 to buy); everyone later buys.
  const double day0 = static_cast<double>(run.series.newly_aware_by_channel[0][0]);
  const double expected = (static_cast<double>(run.aware) - day0) + 0.5 * day0;
  EXPECT_WITHIN_SE(static_cast<double>(run.purchasers), expected, std::sqrt(0.25 * day0), 4.0);
}

}  // namespace
}  // namespace journeysim
