// Numbers a strategist can take to a board: CAC is acquisition cost only,
// profit, refunds and net revenue — exact identities on the engine's integer
// counts, and agreement with the exact absorbing chain.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "journeysim/analysis.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/io.hpp"
#include "journeysim/load.hpp"
#include "journeysim/statistics.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using testing::load_yaml;

double d(std::uint64_t x) { return static_cast<double>(x); }

double metric(const Results& results, const std::string& key, std::size_t run = 0) {
  const MetricDefinition* definition = find_metric(key);
  EXPECT_NE(definition, nullptr) << key;
  return definition ? definition->value(results, results.runs.at(run)) : std::nan("");
}

std::size_t index_of(const Results& results, const std::string& touchpoint) {
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t)
    if (results.touchpoints[t] == touchpoint) return t;
  ADD_FAILURE() << "no touchpoint " << touchpoint;
  return 0;
}

// A purchase leads to costly support (25 a visit), and support sends some
// buyers back through the website and the ad: those later visits are
// retention spending even at acquisition touchpoints. Every journey ends at
// day 0 (no dwell), so the exact chain describes the whole run.
const std::string kSupportAfterPurchase = R"(
horizon_days: 1
market: {size: 200000}
awareness: {initial: {share: 1.0, via: {ad: 1.0}}}
touchpoints:
  ad:       {stage: awareness, cost: 2}
  website:  {stage: consideration, cost: 0.5}
  checkout: {stage: purchase, purchase: {revenue: 80}, cost: 1}
  support:  {stage: retention, cost: 25}
transitions:
  ad:       {website: 0.6}
  website:  {ad: 0.2, checkout: 0.3}
  checkout: {support: 0.5}
  support:  {checkout: 0.4, website: 0.3}
strategies:
  pricier_support:
    - {scale: touchpoints.support.cost, by: 10}
)";

// The same journey cut at the first purchase: its expected cost per aware
// customer is the acquisition cost (the purchase visit included).
const std::string kUntilFirstPurchase = R"(
horizon_days: 1
market: {size: 200000}
awareness: {initial: {share: 1.0, via: {ad: 1.0}}}
touchpoints:
  ad:       {stage: awareness, cost: 2}
  website:  {stage: consideration, cost: 0.5}
  checkout: {stage: purchase, purchase: {revenue: 80}, cost: 1}
transitions:
  ad:       {website: 0.6}
  website:  {ad: 0.2, checkout: 0.3}
)";

TEST(BusinessCac, IsAcquisitionCostPerPurchaserExactlyFromVisitCounts) {
  const Scenario scenario = load_yaml(kSupportAfterPurchase);
  const Results results = run_scenario(scenario, {});
  const RunResult& run = results.runs.at(0);
  ASSERT_GT(run.purchasers, 1000u);

  // Visits after the first purchase, from the engine's integer counts.
  const std::size_t ad = index_of(results, "ad"), checkout = index_of(results, "checkout");
  const std::size_t support = index_of(results, "support");
  const auto& visits = run.touchpoint_visits;
  const auto& after = run.touchpoint_visits_after_purchase;
  EXPECT_EQ(after[support], visits[support]);                         // only buyers reach support
  EXPECT_EQ(after[checkout], run.purchases - run.purchasers);         // repeat purchases are retention
  EXPECT_GT(after[ad], 0u);                                           // support → website → ad: retention too
  EXPECT_LT(after[ad], visits[ad]);

  double acquisition = 0.0, retention = 0.0;
  for (std::size_t t = 0; t < visits.size(); ++t) {
    acquisition += d(visits[t] - after[t]) * results.touchpoint_cost[t];
    retention += d(after[t]) * results.touchpoint_cost[t];
  }
  EXPECT_EQ(run.cost_acquisition, acquisition);
  EXPECT_EQ(run.cost_retention, retention);
  EXPECT_EQ(run.cost, acquisition + retention);  // whole numbers and halves: exact
  EXPECT_EQ(metric(results, "cac"), acquisition / d(run.purchasers));
  EXPECT_EQ(metric(results, "retention_cost_per_purchaser"), retention / d(run.purchasers));
  EXPECT_LT(metric(results, "cac"), run.cost / d(run.purchasers) / 2.0);  // the old "CAC" was inflated by support
  ASSERT_EQ(run.segments.size(), 1u);
  EXPECT_EQ(run.segments[0].cost_acquisition, acquisition);
  EXPECT_EQ(run.segments[0].cost_retention, retention);
}

TEST(BusinessCac, AgreesWithTheExactChainCutAtTheFirstPurchase) {
  const Results results = run_scenario(load_yaml(kSupportAfterPurchase), {});
  const RunResult& run = results.runs.at(0);
  const ExactAnalysis until_purchase = analyze(load_yaml(kUntilFirstPurchase));
  const ExactAnalysis whole = analyze(load_yaml(kSupportAfterPurchase));
  // By hand: ad visits a = 1/(1 − 0.6·0.2), website w = 0.6a, P(buy) = 0.3w;
  // acquisition cost = 2a + 0.5w + 1·P(buy).
  const double a = 1.0 / 0.88, w = 0.6 * a, p = 0.3 * w;
  EXPECT_NEAR(until_purchase.conversion_probability, p, 1e-12);
  EXPECT_NEAR(until_purchase.expected_cost, 2 * a + 0.5 * w + p, 1e-12);

  const double aware = d(run.aware);
  ASSERT_EQ(run.aware, 200000u);
  EXPECT_WITHIN_SE(d(run.purchasers) / aware, p, std::sqrt(p * (1 - p) / aware), 4.0);
  // Per-customer acquisition cost has a standard deviation below 4 here.
  EXPECT_WITHIN_SE(run.cost_acquisition / aware, until_purchase.expected_cost, 4.0 / std::sqrt(aware), 4.0);
  EXPECT_NEAR(run.cost / aware, whole.expected_cost, 0.01 * whole.expected_cost);
  const double exact_cac = until_purchase.expected_cost / p;
  EXPECT_NEAR(metric(results, "cac"), exact_cac, 0.02 * exact_cac);
}

TEST(BusinessCac, IsUnaffectedBySupportCost) {
  Scenario scenario = load_yaml(kSupportAfterPurchase);
  Diagnostics diagnostics;
  const auto pricier = apply_strategy(scenario, "pricier_support", diagnostics);
  ASSERT_TRUE(pricier) << diagnostics.format();
  RunOptions options;
  options.market_size = 50000;
  options.replications = 2;
  const Results base = run_scenario(scenario, options), arm = run_scenario(*pricier, options);
  for (std::size_t r = 0; r < 2; ++r) {
    const RunResult &b = base.runs[r], &a = arm.runs[r];
    ASSERT_EQ(a.purchasers, b.purchasers);  // cost moves no customer
    EXPECT_EQ(metric(arm, "cac", r), metric(base, "cac", r));
    EXPECT_EQ(a.cost_acquisition, b.cost_acquisition);
    const double support_visits = d(b.touchpoint_visits[index_of(base, "support")]);
    EXPECT_EQ(a.cost_retention - b.cost_retention, support_visits * (250.0 - 25.0));
  }
}

TEST(BusinessProfit, IsNetRevenueMinusCostWithIntervals) {
  RunOptions options;
  options.market_size = 20000;
  options.replications = 3;
  const Results results = run_scenario(load_yaml(kSupportAfterPurchase), options);
  for (std::size_t r = 0; r < 3; ++r) {
    const RunResult& run = results.runs[r];
    EXPECT_EQ(metric(results, "profit", r), run.revenue - run.refunds - run.cost);
    EXPECT_EQ(metric(results, "profit_per_purchaser", r), (run.revenue - run.refunds - run.cost) / d(run.purchasers));
  }
  for (const Metric& m : summarize(results)) {
    if (m.key != "profit" && m.key != "profit_per_purchaser") continue;
    EXPECT_TRUE(m.value.low && m.value.high) << m.key;
    EXPECT_EQ(m.unit, "money");
  }
  const nlohmann::json json = results_to_json(results);
  EXPECT_TRUE(json.at("profit").at("ci95_low").is_number());
  EXPECT_TRUE(json.at("metrics").at("profit_per_purchaser").at("mean").is_number());
}

// Checkout 95, delivery, then 20% return the shoes for a full refund; a
// loyalty email brings some back to buy again.
const std::string kReturns = R"(
horizon_days: 1
market: {size: 100000}
awareness: {initial: {share: 1.0, via: {ad: 1.0}}}
touchpoints:
  ad:       {stage: awareness, cost: 1}
  checkout: {stage: purchase, purchase: {revenue: 95}}
  delivery: {stage: retention, cost: 5}
  returns:  {stage: retention, refund: {amount: 95}}
  loyalty:  {stage: retention, cost: 0.5}
transitions:
  ad:       {checkout: 0.3}
  checkout: {delivery: 1.0}
  delivery: {returns: 0.2, loyalty: 0.6}
  loyalty:  {checkout: 0.25}
)";

TEST(BusinessRefunds, GiveMoneyBackAndCountPerTouchpointAndSegment) {
  const Scenario scenario = load_yaml(kReturns);
  const Results results = run_scenario(scenario, {});
  const RunResult& run = results.runs.at(0);
  const std::size_t returns = index_of(results, "returns"), checkout = index_of(results, "checkout");
  const std::uint64_t refunds = run.touchpoint_refunds[returns];
  EXPECT_EQ(refunds, run.touchpoint_visits[returns]);  // every entry is a refund
  EXPECT_EQ(run.touchpoint_refunds[checkout], 0u);
  EXPECT_EQ(run.refunds, 95.0 * d(refunds));
  EXPECT_EQ(run.revenue, 95.0 * d(run.purchases));  // revenue stays gross
  EXPECT_EQ(metric(results, "net_revenue"), run.revenue - run.refunds);
  EXPECT_EQ(metric(results, "clv"), (run.revenue - run.refunds) / d(run.purchasers));
  EXPECT_EQ(run.segments.at(0).refunds, run.refunds);
  // Each delivery (one per purchase) leads to a return with probability 0.2.
  const double purchases = d(run.purchases);
  EXPECT_WITHIN_SE(d(refunds), 0.2 * purchases, std::sqrt(0.16 * purchases), 4.0);
  // The exact chain: expected refunds per aware customer.
  const ExactAnalysis exact = analyze(scenario);
  const double aware = d(run.aware);
  EXPECT_NEAR(d(refunds) / aware, exact.expected_visits[returns], 4.0 * std::sqrt(exact.expected_visits[returns] / aware));

  // Per touchpoint, in JSON: counts and money.
  const nlohmann::json json = results_to_json(results);
  const nlohmann::json& tp = json.at("touchpoints").at(returns);
  EXPECT_EQ(tp.at("name"), "returns");
  EXPECT_EQ(tp.at("refund_count").get<std::uint64_t>(), refunds);
  EXPECT_EQ(tp.at("refund_amount").get<double>(), 95.0);
  EXPECT_EQ(tp.at("refunds").get<double>(), 95.0 * d(refunds));
  EXPECT_EQ(tp.at("net_revenue").get<double>(), -95.0 * d(refunds));
  EXPECT_EQ(json.at("touchpoints").at(checkout).at("net_revenue").get<double>(), run.revenue);
  EXPECT_EQ(json.at("net_revenue").at("mean").get<double>(), run.revenue - run.refunds);
  EXPECT_EQ(json.at("segments").at(0).at("refunds").get<double>(), run.refunds);
  // The table has a refunds column when a scenario has refunds.
  EXPECT_NE(results_to_table(results).find("Refunds"), std::string::npos);
}

TEST(BusinessShoeShop, TheWorkedExampleValidatesAndRuns) {
  Diagnostics diagnostics;
  const auto scenario = load_scenario_file(testing::source_path("scenarios/shoe_shop.yaml"), diagnostics);
  ASSERT_TRUE(scenario) << diagnostics.format();
  EXPECT_EQ(diagnostics.format(), "");  // no warnings either
  RunOptions options;
  options.market_size = 50000;
  const Results results = run_scenario(*scenario, options);
  const RunResult& run = results.runs.at(0);
  ASSERT_GT(run.purchasers, 100u);
  EXPECT_GT(run.refunds, 0.0);
  EXPECT_GT(run.cost_retention, 0.0);
  EXPECT_GT(run.purchases, run.purchasers);  // the loyalty loop brings repeat purchases
  EXPECT_LT(metric(results, "cac"), run.cost / d(run.purchasers));
  EXPECT_LT(metric(results, "clv"), run.revenue / d(run.purchasers));
  EXPECT_TRUE(std::isfinite(metric(results, "profit")));
  for (const Strategy& strategy : scenario->strategies) {
    Diagnostics applied;
    EXPECT_TRUE(apply_strategy(*scenario, strategy.name, applied)) << strategy.name << ": " << applied.format();
  }
}

}  // namespace
}  // namespace journeysim
