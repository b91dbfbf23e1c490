// Exact absorbing-chain analysis against closed forms worked out by hand.
#include <cmath>
#include <numeric>
#include <string>

#include <gtest/gtest.h>

#include "journeysim/analysis.hpp"
#include "journeysim/load.hpp"

namespace journeysim {
namespace {

// Exact algebra: only rounding separates the solver from the closed forms.
constexpr double tolerance = 1e-12;

// Scenarios are built in code so these tests do not depend on the loader.
class AnalysisScenario {
 public:
  AnalysisScenario(std::uint64_t market, double horizon) {
    scenario_.name = "analysis-test";
    scenario_.market_size = market;
    scenario_.horizon_days = horizon;
  }
  AnalysisScenario& touchpoint(const std::string& name, double cost = 0.0, Dwell dwell = {}) {
    Touchpoint tp;
    tp.name = name;
    tp.stage = Stage::consideration;
    tp.cost = cost;
    tp.dwell = dwell;
    scenario_.touchpoints.push_back(tp);
    return *this;
  }
  AnalysisScenario& purchase(const std::string& name, double revenue, double cost = 0.0, Dwell dwell = {}) {
    touchpoint(name, cost, dwell);
    scenario_.touchpoints.back().stage = Stage::purchase;
    scenario_.touchpoints.back().purchase_revenue = revenue;
    return *this;
  }
  AnalysisScenario& edge(const std::string& from, const std::string& to, double p, double elasticity = 0) {
    scenario_.transitions.push_back({from, to, p, elasticity, {}});
    return *this;
  }
  AnalysisScenario& channel(const std::string& via, double rate) {
    scenario_.awareness.channels.push_back({via, rate, {}});
    return *this;
  }
  Scenario& get() { return scenario_; }

 private:
  Scenario scenario_;
};

Dwell fixed(double days) { return {Dwell::Kind::fixed, days, 0.0}; }
Dwell exponential(double mean) { return {Dwell::Kind::exponential, mean, 0.0}; }
Dwell lognormal(double mean, double sd) { return {Dwell::Kind::lognormal, mean, sd}; }

Segment segment(const std::string& name, double share) {
  Segment result;
  result.name = name;
  result.share = share;
  return result;
}

double sum(const std::vector<double>& values) { return std::accumulate(values.begin(), values.end(), 0.0); }

// ad -0.5-> site -0.4-> checkout, everyone entering at ad.
Scenario linear_funnel() {
  AnalysisScenario s(10000, 100);
  s.touchpoint("ad", 0.5, fixed(1.0)).touchpoint("site", 0.0, exponential(2.0));
  s.purchase("checkout", 100.0, 1.0, lognormal(3.0, 1.0));
  s.edge("ad", "site", 0.5).edge("site", "checkout", 0.4).channel("ad", 0.01);
  return s.get();
}

TEST(AnalysisFunnel, ConversionIsTheProductOfProbabilities) {
  const Scenario scenario = linear_funnel();
  const ExactAnalysis a = analyze(scenario);

  EXPECT_NEAR(a.expected_aware, 10000.0 * (1.0 - std::exp(-1.0)), 1e-9);
  ASSERT_EQ(a.entry_distribution.size(), 3u);
  EXPECT_NEAR(a.entry_distribution[0], 1.0, tolerance);
  EXPECT_NEAR(a.entry_distribution[1], 0.0, tolerance);

  EXPECT_NEAR(a.conversion_probability, 0.5 * 0.4, tolerance);
  EXPECT_NEAR(a.conversion_from[0], 0.2, tolerance);
  EXPECT_NEAR(a.conversion_from[1], 0.4, tolerance);
  EXPECT_NEAR(a.conversion_from[2], 1.0, tolerance);

  EXPECT_NEAR(a.expected_visits[0], 1.0, tolerance);
  EXPECT_NEAR(a.expected_visits[1], 0.5, tolerance);
  EXPECT_NEAR(a.expected_visits[2], 0.2, tolerance);
  EXPECT_NEAR(a.expected_dropoffs[0], 0.5, tolerance);
  EXPECT_NEAR(a.expected_dropoffs[1], 0.3, tolerance);
  EXPECT_NEAR(a.expected_dropoffs[2], 0.2, tolerance);

  EXPECT_NEAR(a.expected_purchases, 0.2, tolerance);
  EXPECT_NEAR(a.expected_revenue, 20.0, tolerance);
  EXPECT_NEAR(a.expected_cost, 1.0 * 0.5 + 0.2 * 1.0, tolerance);
}

TEST(AnalysisTime, JourneyDaysUseEachDwellMean) {
  // Fixed 1 day at ad, exponential mean 2 at site, lognormal mean 3 at checkout.
  const ExactAnalysis a = analyze(linear_funnel());
  EXPECT_NEAR(a.expected_journey_days, 1.0 * 1.0 + 0.5 * 2.0 + 0.2 * 3.0, tolerance);
}

TEST(AnalysisTime, SelfLoopRepeatsTheDwellGeometrically) {
  // Staying with probability 0.5 gives 1/(1-0.5) = 2 visits of mean 2 days each.
  AnalysisScenario s(1000, 50);
  s.touchpoint("page", 0.25, exponential(2.0)).edge("page", "page", 0.5).channel("page", 0.02);
  const ExactAnalysis a = analyze(s.get());
  EXPECT_NEAR(a.expected_visits[0], 2.0, tolerance);
  EXPECT_NEAR(a.expected_dropoffs[0], 1.0, tolerance);
  EXPECT_NEAR(a.expected_journey_days, 4.0, tolerance);
  EXPECT_NEAR(a.expected_cost, 0.5, tolerance);
  EXPECT_NEAR(a.conversion_probability, 0.0, tolerance);  // nothing to buy
}

// search -> website <-> reviews -> checkout <-> loyalty_email: a cycle before
// the purchase and a repeat-purchase cycle after it.
Scenario website_reviews_loop(double review_elasticity = 0.0) {
  AnalysisScenario s(5000, 60);
  s.touchpoint("search").touchpoint("website").touchpoint("reviews");
  s.purchase("checkout", 80.0).touchpoint("loyalty_email", 0.05);
  s.edge("search", "website", 0.5)
      .edge("website", "reviews", 0.3)
      .edge("website", "checkout", 0.12)
      .edge("reviews", "website", 0.4)
      .edge("reviews", "checkout", 0.15, review_elasticity)
      .edge("checkout", "loyalty_email", 0.5)
      .edge("loyalty_email", "checkout", 0.15)
      .channel("search", 0.002);
  return s.get();
}

struct LoopClosedForm {
  // Visits from one entry at search: w = 0.5 + 0.4 r, r = 0.3 w.
  double website = 0.5 / (1.0 - 0.3 * 0.4);
  double reviews = 0.3 * website;
  // Each purchase leads to another with probability 0.5 * 0.15.
  double checkout = (0.12 * website + 0.15 * reviews) / (1.0 - 0.5 * 0.15);
  double loyalty = 0.5 * checkout;
  // First passage to checkout: x_w = 0.12 + 0.3 x_r, x_r = 0.15 + 0.4 x_w.
  double from_website = (0.12 + 0.3 * 0.15) / (1.0 - 0.3 * 0.4);
  double from_reviews = 0.15 + 0.4 * from_website;
};

void expect_loop_closed_form(const ExactAnalysis& a) {
  const LoopClosedForm x;
  EXPECT_NEAR(a.expected_visits[0], 1.0, tolerance);
  EXPECT_NEAR(a.expected_visits[1], x.website, tolerance);
  EXPECT_NEAR(a.expected_visits[2], x.reviews, tolerance);
  EXPECT_NEAR(a.expected_visits[3], x.checkout, tolerance);
  EXPECT_NEAR(a.expected_visits[4], x.loyalty, tolerance);

  EXPECT_NEAR(a.conversion_probability, 0.5 * x.from_website, tolerance);
  EXPECT_NEAR(a.conversion_from[0], 0.5 * x.from_website, tolerance);
  EXPECT_NEAR(a.conversion_from[1], x.from_website, tolerance);
  EXPECT_NEAR(a.conversion_from[2], x.from_reviews, tolerance);
  EXPECT_NEAR(a.conversion_from[3], 1.0, tolerance);
  EXPECT_NEAR(a.conversion_from[4], 0.15, tolerance);

  EXPECT_NEAR(a.expected_dropoffs[0], 0.5, tolerance);
  EXPECT_NEAR(a.expected_dropoffs[1], x.website * (1.0 - 0.3 - 0.12), tolerance);
  EXPECT_NEAR(a.expected_dropoffs[2], x.reviews * (1.0 - 0.4 - 0.15), tolerance);
  EXPECT_NEAR(a.expected_dropoffs[3], x.checkout * 0.5, tolerance);
  EXPECT_NEAR(a.expected_dropoffs[4], x.loyalty * 0.85, tolerance);
  // Everyone who enters leaves exactly once.
  EXPECT_NEAR(sum(a.expected_dropoffs), sum(a.entry_distribution), tolerance);

  EXPECT_NEAR(a.expected_purchases, x.checkout, tolerance);
  EXPECT_NEAR(a.expected_revenue, 80.0 * x.checkout, tolerance);
  EXPECT_NEAR(a.expected_cost, 0.05 * x.loyalty, tolerance);
}

TEST(AnalysisLoop, WebsiteReviewsCycleMatchesGeometricSums) {
  const ExactAnalysis a = analyze(website_reviews_loop());
  expect_loop_closed_form(a);
  EXPECT_NEAR(a.expected_aware, 5000.0 * (1.0 - std::exp(-0.002 * 60)), 1e-9);
}

TEST(AnalysisElastic, AtThePriorRatingElasticityChangesNothing) {
  Scenario scenario = website_reviews_loop(2.0);
  scenario.reviews.enabled = true;
  scenario.reviews.prior_rating = 0.7;
  scenario.reviews.prior_weight = 50;
  Segment sensitive = segment("researchers", 0.4);
  sensitive.review_sensitivity = 1.5;
  Segment indifferent = segment("impulsive", 0.6);
  indifferent.review_sensitivity = 0.0;
  scenario.segments = {sensitive, indifferent};
  expect_loop_closed_form(analyze(scenario));
}

TEST(AnalysisEntries, InitialAwarenessAndChannelsMixByExpectedCounts) {
  AnalysisScenario s(1000, 30);
  s.touchpoint("social").touchpoint("search").touchpoint("website");
  s.channel("social", 0.01).channel("search", 0.03);
  Scenario& scenario = s.get();
  scenario.awareness.initial_share = 0.2;
  // A quarter of the initially aware enter nowhere: aware, but gone at once.
  scenario.awareness.initial_via = {{"search", 0.5, {}}, {"website", 0.25, {}}};

  const double initially = 1000 * 0.2;
  const double by_channels = 1000 * 0.8 * (1.0 - std::exp(-0.04 * 30));
  const double aware = initially + by_channels;
  const ExactAnalysis a = analyze(scenario);
  EXPECT_NEAR(a.expected_aware, aware, 1e-9);
  EXPECT_NEAR(a.entry_distribution[0], by_channels * 0.25 / aware, tolerance);
  EXPECT_NEAR(a.entry_distribution[1], (initially * 0.5 + by_channels * 0.75) / aware, tolerance);
  EXPECT_NEAR(a.entry_distribution[2], initially * 0.25 / aware, tolerance);
  EXPECT_LT(sum(a.entry_distribution), 1.0);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NEAR(a.expected_visits[i], a.entry_distribution[i], tolerance);
    EXPECT_NEAR(a.expected_dropoffs[i], a.entry_distribution[i], tolerance);
  }
}

TEST(AnalysisEntries, ChannelIntoARemovedTouchpointStillMakesCustomersAware) {
  Scenario scenario = linear_funnel();
  scenario.awareness.channels.push_back({"removed_by_strategy", 0.01, {}});
  const ExactAnalysis a = analyze(scenario);
  EXPECT_NEAR(a.expected_aware, 10000.0 * (1.0 - std::exp(-2.0)), 1e-9);
  EXPECT_NEAR(a.entry_distribution[0], 0.5, tolerance);
  EXPECT_NEAR(a.conversion_probability, 0.5 * 0.2, tolerance);
}

TEST(AnalysisSegments, SegmentsMixByTheirShareOfExpectedAware) {
  Scenario scenario = linear_funnel();
  Segment plain = segment("plain", 0.4);
  Segment eager = segment("eager", 0.6);
  eager.awareness_multiplier = 2.0;
  eager.transition_scale.push_back({"site", "checkout", 1.5, {}});
  scenario.segments = {plain, eager};

  const double plain_aware = 4000.0 * (1.0 - std::exp(-1.0));
  const double eager_aware = 6000.0 * (1.0 - std::exp(-2.0));
  const double aware = plain_aware + eager_aware;
  auto mix = [&](double plain_value, double eager_value) {
    return (plain_aware * plain_value + eager_aware * eager_value) / aware;
  };

  const ExactAnalysis a = analyze(scenario);
  EXPECT_NEAR(a.expected_aware, aware, 1e-9);
  EXPECT_NEAR(a.conversion_probability, mix(0.5 * 0.4, 0.5 * 0.6), tolerance);
  EXPECT_NEAR(a.conversion_from[1], mix(0.4, 0.6), tolerance);
  EXPECT_NEAR(a.expected_visits[1], 0.5, tolerance);
  EXPECT_NEAR(a.expected_visits[2], mix(0.2, 0.3), tolerance);
  // Drop-off depends on each segment's own row, not on the mixed visits.
  EXPECT_NEAR(a.expected_dropoffs[1], mix(0.5 * 0.6, 0.5 * 0.4), tolerance);
  EXPECT_NEAR(a.expected_revenue, 100.0 * mix(0.2, 0.3), tolerance);
  EXPECT_NEAR(a.expected_journey_days, 1.0 + 0.5 * 2.0 + 3.0 * mix(0.2, 0.3), tolerance);
}

TEST(AnalysisEdgeCases, NobodyAwareGivesZerosButConversionFromStillDescribesTheChain) {
  Scenario scenario = linear_funnel();
  scenario.horizon_days = 0.0;
  const ExactAnalysis a = analyze(scenario);
  EXPECT_EQ(a.expected_aware, 0.0);
  EXPECT_EQ(a.conversion_probability, 0.0);
  EXPECT_EQ(sum(a.expected_visits), 0.0);
  EXPECT_NEAR(a.conversion_from[0], 0.2, tolerance);
}

TEST(AnalysisEdgeCases, ClosedSetIsAScenarioError) {
  AnalysisScenario s(1000, 30);
  s.touchpoint("a").touchpoint("b").edge("a", "b", 1.0).edge("b", "a", 1.0).channel("a", 0.01);
  EXPECT_THROW(analyze(s.get()), ScenarioError);
}

TEST(AnalysisReport, JsonHasTheDocumentedKeys) {
  const Scenario scenario = linear_funnel();
  const ExactAnalysis a = analyze(scenario);
  const nlohmann::json json = analysis_to_json(scenario, a);
  for (const char* key : {"conversion_probability", "expected_purchases", "expected_journey_days",
                          "expected_cost", "expected_revenue", "expected_aware"})
    EXPECT_TRUE(json.at(key).is_number()) << key;
  EXPECT_NEAR(json["conversion_probability"].get<double>(), 0.2, tolerance);
  const auto& touchpoints = json.at("touchpoints");
  ASSERT_EQ(touchpoints.size(), 3u);
  EXPECT_EQ(touchpoints[1]["name"], "site");
  for (const char* key : {"entry", "visits", "dropoffs", "conversion_from"})
    EXPECT_TRUE(touchpoints[1].at(key).is_number()) << key;
  EXPECT_NEAR(touchpoints[1]["visits"].get<double>(), 0.5, tolerance);
}

TEST(AnalysisReport, TableListsEveryTouchpointInAlignedColumns) {
  const Scenario scenario = linear_funnel();
  const std::string table = analysis_to_table(scenario, analyze(scenario));
  EXPECT_NE(table.find("conversion probability      0.2000"), std::string::npos) << table;
  EXPECT_NE(table.find("  touchpoint  stage             entry    visits  drop-offs  P(convert)"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  site        consideration    0.0000    0.5000     0.3000      0.4000"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("  checkout    purchase *"), std::string::npos) << table;
}

TEST(AnalysisLoader, LoadedFunnelMatchesTheClosedForm) {
  // The same funnel as linear_funnel(), written as a user would.
  const std::string yaml = R"(horizon_days: 100
market: {size: 10000}
awareness:
  channels: [{via: ad, rate: 0.01}]
touchpoints:
  ad:       {stage: awareness, cost: 0.5, dwell_days: 1.0}
  site:     {stage: consideration, dwell_days: {exponential: 2.0}}
  checkout: {stage: purchase, cost: 1.0, purchase: {revenue: 100.0},
             dwell_days: {lognormal: {mean: 3.0, sd: 1.0}}}
transitions:
  ad:   {site: 0.5}
  site: {checkout: 0.4}
)";
  Diagnostics diagnostics;
  const auto scenario = load_scenario_text(yaml, "funnel.yaml", diagnostics);
  ASSERT_TRUE(scenario.has_value()) << diagnostics.format();
  const ExactAnalysis a = analyze(*scenario);
  EXPECT_NEAR(a.expected_aware, 10000.0 * (1.0 - std::exp(-1.0)), 1e-9);
  EXPECT_NEAR(a.conversion_probability, 0.2, tolerance);
  EXPECT_NEAR(a.expected_journey_days, 2.6, tolerance);
  EXPECT_NEAR(a.expected_cost, 0.7, tolerance);
  EXPECT_NEAR(a.expected_revenue, 20.0, tolerance);
}

}  // namespace
}  // namespace journeysim
