// An Engine keeps its compiled model's storage (and its customer memory) from
// one plan to the next, so many small plans pay no allocation. Whatever ran
// before, a plan's results must be those of a fresh engine, bit for bit —
// also when the plans differ in structure (touchpoints, rows, segments).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "journeysim/ensemble.hpp"
#include "journeysim/load.hpp"
#include "journeysim/statistics.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

Scenario scenario_named(const std::string& file) {
  return load_scenario_or_throw(testing::source_path("scenarios/" + file));
}

Scenario with_strategy(const Scenario& scenario, const std::string& strategy) {
  Diagnostics diagnostics;
  auto edited = apply_strategies(scenario, {strategy}, diagnostics);
  if (!edited) throw std::runtime_error(diagnostics.format());
  return *edited;
}

RunPlan small_plan(Scenario scenario, const std::string& label) {
  RunPlan plan;
  plan.scenario = std::move(scenario);
  plan.label = label;
  plan.seed = 5;
  plan.market_size = 3000;
  plan.replications = 2;
  return plan;
}

void expect_same_results(const Results& reused, const Results& fresh, const std::string& label) {
  for (const MetricDefinition& metric : headline_metrics()) {
    const std::vector<double> a = metric_values(reused, metric), b = metric_values(fresh, metric);
    ASSERT_EQ(a.size(), b.size()) << label << " " << metric.key;
    for (std::size_t k = 0; k < a.size(); ++k)
      EXPECT_EQ(0, std::memcmp(&a[k], &b[k], sizeof a[k])) << label << " " << metric.key << " replication " << k
                                                           << ": " << a[k] << " vs " << b[k];
  }
  ASSERT_EQ(reused.runs.size(), fresh.runs.size());
  for (std::size_t k = 0; k < reused.runs.size(); ++k) {
    const RunResult &a = reused.runs[k], &b = fresh.runs[k];
    EXPECT_EQ(a.flow_traversals, b.flow_traversals) << label;
    EXPECT_EQ(a.touchpoint_visits, b.touchpoint_visits) << label;
    EXPECT_EQ(a.series.purchases, b.series.purchases) << label;
    ASSERT_EQ(a.series.public_rating.size(), b.series.public_rating.size()) << label;
    EXPECT_EQ(0, std::memcmp(a.series.public_rating.data(), b.series.public_rating.data(),
                             a.series.public_rating.size() * sizeof(double)))  // NaN without reviews: bits, not ==
        << label;
  }
  EXPECT_EQ(reused.touchpoints, fresh.touchpoints) << label;
  ASSERT_EQ(reused.flows.size(), fresh.flows.size()) << label;
}

TEST(EngineReuse, EachPlanGivesAFreshEnginesResultsWhateverRanBefore) {
  const Scenario ecosystem = scenario_named("ecosystem.yaml");
  // Bigger and smaller models in turn: a touchpoint added (remarketing), one
  // removed (drop_social), a funnel without feedback, personas or none.
  const std::vector<RunPlan> plans = {
      small_plan(ecosystem, "ecosystem"),
      small_plan(scenario_named("funnel.yaml"), "funnel"),
      small_plan(with_strategy(ecosystem, "remarketing"), "remarketing"),
      small_plan(with_strategy(ecosystem, "drop_social"), "drop_social"),
      small_plan(scenario_named("hourglass.yaml"), "hourglass"),
      small_plan(ecosystem, "ecosystem again"),
  };
  Engine reused(2);
  for (const RunPlan& plan : plans) {
    const Results after_others = reused.run(plan);
    Engine fresh(2);
    expect_same_results(after_others, fresh.run(plan), plan.label);
  }
}

}  // namespace
}  // namespace journeysim
