// fit: observed journeys → a scenario whose chain is the data's frequencies.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <random>

#include "cli_test_support.hpp"
#include "fit_test_support.hpp"
#include "journeysim/analysis.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/fit.hpp"

namespace {

using journeysim::FitOptions;
using journeysim::ObservedJourneys;
using journeysim::Scenario;
using journeysim::cli_testing::TempDir;
using namespace journeysim::fit_testing;

Scenario fit_and_load(const ObservedJourneys& data, const FitOptions& options = {}) {
  return load_text_or_fail(journeysim::fit_scenario(data, options).yaml);
}

TEST(Fit, TransitionsAreTheObservedFrequencies) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", "a>b;1;6;1\na;0;0;2\nb>a;3;9;1\n"));
  const Scenario scenario = fit_and_load(data);
  // a: 2 journeys go on to b, 2 end there (dropped), 3 convert after b>a, 1 drops after it.
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "a", "b"), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "a", "conversion"), 3.0 / 8.0);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "b", "a"), 4.0 / 6.0);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "b", "conversion"), 1.0 / 6.0);
  EXPECT_DOUBLE_EQ(*touchpoint(scenario, "conversion").purchase_revenue, 15.0 / 4.0);
  EXPECT_EQ(scenario.market_size, 8u);
  EXPECT_DOUBLE_EQ(scenario.awareness.initial_share, 1.0);
  ASSERT_EQ(scenario.awareness.initial_via.size(), 2u);  // first touches: a 4 of 8, b 4 of 8
  EXPECT_DOUBLE_EQ(scenario.awareness.initial_via[0].share, 0.5);
}

TEST(Fit, TheHeaderSaysWhereTheScenarioCameFrom) {
  const TempDir dir;
  const auto file = dir.write("p.csv", "a>b;1;6;1\n");
  FitOptions options;
  options.command_line = "journeysim fit p.csv";
  const std::string yaml = journeysim::fit_scenario(journeysim::read_observed_journeys(file), options).yaml;
  EXPECT_EQ(yaml.rfind("# Fitted by journeysim", 0), 0u) << yaml;
  EXPECT_NE(yaml.find(file), std::string::npos);
  EXPECT_NE(yaml.find("# Command: journeysim fit p.csv"), std::string::npos);
  EXPECT_NE(yaml.find("1 rows read, all used; 2 journeys, 1 converted, value 6.00"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("#   order 1:"), std::string::npos);
}

// Flow is conserved in the fitted chain (each history's visits are what
// entered it), so for any order its exact conversion probability is the
// data's conversion share.
TEST(Fit, ExactConversionOfAnyOrderIsTheObservedShare) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", second_order_paths(5000, 11)));
  const double observed = static_cast<double>(data.conversions()) / static_cast<double>(data.journey_count());
  for (int order = 1; order <= journeysim::max_fit_order; ++order) {
    FitOptions options;
    options.order = order;
    const Scenario scenario = fit_and_load(data, options);
    const auto exact = journeysim::analyze(scenario);
    EXPECT_NEAR(exact.conversion_probability, observed, 1e-12) << "order " << order;
    EXPECT_NEAR(exact.expected_aware * exact.expected_revenue, data.conversion_value(), 1e-6) << "order " << order;
  }
}

TEST(Fit, HigherOrderTouchpointsAreChannelHistories) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", "a>b>c;1;1;0\na>b>a;0;0;1\n"));
  FitOptions options;
  options.order = 2;
  const Scenario scenario = fit_and_load(data, options);
  EXPECT_GE(scenario.touchpoint_index("a"), 0);     // the first touch: a history of one
  EXPECT_GE(scenario.touchpoint_index("a>b"), 0);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "a", "a>b"), 1.0);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "a>b", "b>c"), 0.5);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "a>b", "b>a"), 0.5);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "b>c", "conversion"), 1.0);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "b>a", "conversion"), 0.0);
}

TEST(Fit, HeldOutLikelihoodFindsTheSecondOrderOfTheProcess) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", second_order_paths(20000, 5)));
  FitOptions options;
  options.choose_order = true;
  const auto fitted = journeysim::fit_scenario(data, options);
  ASSERT_EQ(fitted.scores.size(), 4u);
  const auto& first = fitted.scores[0];
  const auto& second = fitted.scores[1];
  // Order 2 explains held-out journeys better than order 1 by far more than
  // the standard error of their difference.
  EXPECT_GT(second.heldout_log_likelihood - first.heldout_log_likelihood, 4.0 * first.heldout_standard_error)
      << first.heldout_log_likelihood << " vs " << second.heldout_log_likelihood;
  EXPECT_EQ(fitted.order, 2);
  EXPECT_GT(fitted.heldout_journeys, 3000u);
  // In-sample likelihood only grows with the order: that is why held-out decides.
  for (std::size_t k = 1; k < fitted.scores.size(); ++k)
    EXPECT_GE(fitted.scores[k].log_likelihood, fitted.scores[k - 1].log_likelihood - 1e-6);
}

TEST(Fit, OptionsOutOfRangeAreInputErrors) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("p.csv", "a;1;1;1\n"));
  FitOptions options;
  options.order = 5;
  EXPECT_THROW(journeysim::fit_scenario(data, options), journeysim::InputError);
  options.order = 1;
  options.market_size = 100;
  EXPECT_THROW(journeysim::fit_scenario(data, options), journeysim::InputError);  // path data have no times
}

TEST(Fit, NamesThatScenariosCannotHoldAreRenamed) {
  const TempDir dir;
  const auto data =
      journeysim::read_observed_journeys(dir.write("p.csv", "google.com > conversion > a_b > a.b;1;1;1\n"));
  const Scenario scenario = fit_and_load(data);
  EXPECT_GE(scenario.touchpoint_index("google_com"), 0);
  EXPECT_GE(scenario.touchpoint_index("a_b"), 0);
  EXPECT_GE(scenario.touchpoint_index("a_b_2"), 0);
  EXPECT_GE(scenario.touchpoint_index("conversion"), 0);  // the channel keeps its name
  EXPECT_TRUE(touchpoint(scenario, "conversion_2").purchase_revenue.has_value());
}

// An event log of a known process: ad (exponential dwell, mean 2) → site
// (lognormal dwell, mean 3, sd 1) → shop with probability 0.4 (revenue 30).
std::string known_event_log(int customers, std::uint64_t seed) {
  std::mt19937_64 generator(seed);
  std::string out = "customer,time,touchpoint,revenue\n";
  const double sigma2 = std::log1p(1.0 / 9.0), mu = std::log(3.0) - sigma2 / 2;
  for (int c = 0; c < customers; ++c) {
    double time = 10.0 * uniform(generator);
    out += fmt::format("c{},{},ad,\n", c, time);
    time += -2.0 * std::log1p(-uniform(generator));
    out += fmt::format("c{},{},site,\n", c, time);
    // Box–Muller from two uniforms: a normal for the lognormal dwell.
    const double normal = std::sqrt(-2.0 * std::log1p(-uniform(generator))) * std::cos(2 * M_PI * uniform(generator));
    time += std::exp(mu + std::sqrt(sigma2) * normal);
    if (uniform(generator) < 0.4) out += fmt::format("c{},{},shop,30\n", c, time);
  }
  return out;
}

TEST(Fit, EventLogsGiveDwellTimesAndPurchases) {
  const TempDir dir;
  const int customers = 4000;
  const auto data = journeysim::read_observed_journeys(dir.write("log.csv", known_event_log(customers, 3)));
  const Scenario scenario = fit_and_load(data);
  const auto& ad = touchpoint(scenario, "ad");
  const auto& site = touchpoint(scenario, "site");
  const auto& shop = touchpoint(scenario, "shop");
  EXPECT_EQ(ad.dwell.kind, journeysim::Dwell::Kind::exponential);
  EXPECT_NEAR(ad.dwell.mean, 2.0, 4 * 2.0 / std::sqrt(customers));
  // The site's dwell is seen only before a purchase (a log does not say when
  // a customer who bought nothing left): about 40% of customers.
  const double seen = 0.4 * customers;
  EXPECT_EQ(site.dwell.kind, journeysim::Dwell::Kind::lognormal);
  EXPECT_NEAR(site.dwell.mean, 3.0, 4 * 1.0 / std::sqrt(seen));
  EXPECT_NEAR(site.dwell.sd, 1.0, 0.2);
  EXPECT_EQ(shop.stage, journeysim::Stage::purchase);
  EXPECT_DOUBLE_EQ(*shop.purchase_revenue, 30.0);
  EXPECT_EQ(ad.stage, journeysim::Stage::awareness);
  EXPECT_DOUBLE_EQ(transition_probability(scenario, "ad", "site"), 1.0);
  EXPECT_NEAR(transition_probability(scenario, "site", "shop"), 0.4, 4 * std::sqrt(0.24 / customers));
  EXPECT_GE(scenario.horizon_days, 10.0);
}

TEST(Fit, AMarketSizeTurnsEntriesIntoChannelsThatMakeTheObservedAware) {
  const TempDir dir;
  const auto data = journeysim::read_observed_journeys(dir.write("log.csv", known_event_log(500, 4)));
  FitOptions options;
  options.market_size = 2000;
  const Scenario scenario = fit_and_load(data, options);
  ASSERT_EQ(scenario.awareness.channels.size(), 1u);
  EXPECT_EQ(scenario.awareness.channels[0].via, "ad");
  EXPECT_DOUBLE_EQ(scenario.awareness.initial_share, 0.0);
  EXPECT_NEAR(journeysim::analyze(scenario).expected_aware, 500.0, 1e-9);
}

TEST(Fit, ATracesExperiencesBecomeTouchpointExperiences) {
  const TempDir dir;
  const auto file = dir.write("trace.csv",
                              "customer,segment,time,touchpoint,event,experience,satisfaction,revenue\n"
                              "1,all,0,ad,enter,0.6,0.6,\n"
                              "1,all,1,shop,purchase,0.8,0.7,20\n"
                              "1,all,1,shop,drop_off,,0.7,\n"
                              "2,all,0,ad,enter,0.6,0.6,\n"
                              "2,all,2,shop,purchase,1,0.8,20\n"
                              "2,all,2,shop,drop_off,,0.8,\n"
                              "3,all,0,ad,enter,0.6,0.6,\n"
                              "3,all,0.5,site,enter,,0.6,\n"
                              "3,all,0.5,site,drop_off,,0.6,\n");
  const Scenario scenario = fit_and_load(journeysim::read_observed_journeys(file));
  const auto& ad = touchpoint(scenario, "ad").experience;
  EXPECT_TRUE(ad.rated);
  EXPECT_DOUBLE_EQ(ad.mean, 0.6);
  EXPECT_DOUBLE_EQ(ad.sd, 0.0);
  const auto& shop = touchpoint(scenario, "shop").experience;
  EXPECT_DOUBLE_EQ(shop.mean, 0.9);
  EXPECT_NEAR(shop.sd, std::sqrt(0.02), 1e-12);
  EXPECT_FALSE(touchpoint(scenario, "site").experience.rated);
  // Dwell seen from enter to drop_off: ad 1, 2 and 0.5 days; shop 0 both times.
  EXPECT_NE(touchpoint(scenario, "ad").dwell.kind, journeysim::Dwell::Kind::fixed);
  EXPECT_DOUBLE_EQ(touchpoint(scenario, "ad").dwell.mean, 3.5 / 3);
  EXPECT_DOUBLE_EQ(touchpoint(scenario, "shop").dwell.mean, 0.0);
}

TEST(FitSharedData, ChannelAttributionPathsFitExactly) {
  const std::string file = shared_paths_file();
  if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " is absent (../shared sits beside a checkout only)";
  const auto data = journeysim::read_observed_journeys(file);
  EXPECT_EQ(data.rows, 10000u);
  EXPECT_EQ(data.journey_count(), 88387u);
  EXPECT_EQ(data.conversions(), 19785u);
  const Scenario scenario = fit_and_load(data);
  EXPECT_EQ(scenario.touchpoints.size(), 13u);  // 12 channels and the conversion
  EXPECT_NEAR(journeysim::analyze(scenario).conversion_probability, 19785.0 / 88387.0, 1e-12);
}

}  // namespace
