// Lifetime value: the exact chain's expected net revenue per purchaser over
// the whole relationship, and the engine's run-off estimate of it.
#include <gtest/gtest.h>

#include <cmath>

#include "journeysim/analysis.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/load.hpp"
#include "journeysim/statistics.hpp"

namespace journeysim {
namespace {

// Everyone buys at once (dwell 0); then a renewal every 30 days, kept with
// probability 0.8, and a return (refund 50) after 10% of purchases. The
// 10-day horizon sees the first purchase only; the relationship is worth
// 100·(1 − 0.1·0.5)/(1 − 0.8·0.9) per buyer — most of it after the horizon.
const char* const kRenewals = R"(name: renewals
seed: 5
horizon_days: 10
market: {size: 40000}
awareness: {initial: {share: 1.0, via: {buy: 1.0}}}
touchpoints:
  buy:     {stage: purchase, purchase: {revenue: 100}}
  returns: {stage: retention, refund: {amount: 50}}
  account: {stage: retention, dwell_days: 30}
transitions:
  buy:     {returns: 0.1, account: 0.9}
  account: {buy: 0.8}
)";

Scenario renewals() {
  Diagnostics diagnostics;
  auto scenario = load_scenario_text(kRenewals, "renewals.yaml", diagnostics);
  EXPECT_TRUE(scenario) << diagnostics.format();
  return *scenario;
}

const Metric& metric(const std::vector<Metric>& metrics, const std::string& key) {
  for (const auto& m : metrics)
    if (m.key == key) return m;
  throw std::out_of_range(key);
}

TEST(LifetimeValue, ExactChainSumsTheWholeRelationship) {
  const ExactAnalysis exact = analyze(renewals());
  // Purchases per buyer: 1/(1 − 0.9·0.8); refunds: 0.1 of them.
  const double purchases = 1.0 / (1.0 - 0.72);
  EXPECT_NEAR(exact.conversion_probability, 1.0, 1e-12);
  EXPECT_NEAR(exact.lifetime_value, purchases * (100.0 - 0.1 * 50.0), 1e-9);
}

TEST(LifetimeValue, RunOffAgreesWithTheExactChainWithinFourStandardErrors) {
  const Scenario scenario = renewals();
  const double exact = analyze(scenario).lifetime_value;
  Engine engine(2);
  const Results results = engine.run(plan_for(scenario, {.replications = 8, .run_off = true}));
  const std::vector<Metric> metrics = summarize(results);
  const Interval& lifetime = metric(metrics, "lifetime_value").value;
  ASSERT_TRUE(lifetime.low && lifetime.high);
  // The t-interval of 8 replications: half-width = t(0.975, 7)·SE.
  const double se = (*lifetime.high - *lifetime.low) / (2.0 * 2.364624251592785);
  EXPECT_NEAR(lifetime.mean, exact, 4.0 * se) << "exact " << exact << " SE " << se;
  // Within the horizon only the first purchase (and some returns) is seen.
  EXPECT_LT(metric(metrics, "clv").value.mean, 0.5 * exact);
  for (const RunResult& run : results.runs) EXPECT_EQ(run.run_off_truncated, 0u);
}

TEST(LifetimeValue, RunOffChangesNothingAtTheHorizon) {
  const Scenario scenario = renewals();
  Engine engine(2);
  const Results plain = engine.run(plan_for(scenario, {.replications = 2}));
  const Results with_run_off = engine.run(plan_for(scenario, {.replications = 2, .run_off = true}));
  const auto a = summarize(plain), b = summarize(with_run_off);
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].key == "lifetime_value") {
      EXPECT_TRUE(std::isnan(a[i].value.mean));  // not known without run-off
      continue;
    }
    EXPECT_TRUE(a[i].value.mean == b[i].value.mean || (std::isnan(a[i].value.mean) && std::isnan(b[i].value.mean)))
        << a[i].key;
  }
}

TEST(LifetimeValue, RunOffIsTheSameForOneAndTwoThreads) {
  const Scenario scenario = renewals();
  Engine one(1), two(2);
  const Results a = one.run(plan_for(scenario, {.replications = 2, .run_off = true}));
  const Results b = two.run(plan_for(scenario, {.replications = 2, .run_off = true}));
  for (std::size_t k = 0; k < 2; ++k) EXPECT_EQ(a.runs[k].lifetime_net_revenue, b.runs[k].lifetime_net_revenue);
}

}  // namespace
}  // namespace journeysim
