// Customers' slots (customers.hpp, Replication::advance_step): a slot is
// reused once its journey ends, so the slots in use follow the customers in
// progress, not those ever aware; and no result depends on which slot a
// customer got or on how often the store had to grow.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>

#include <oneapi/tbb/task_arena.h>

#include "engine/compiled_model.hpp"
#include "engine/customers.hpp"
#include "engine/replication.hpp"
#include "journeysim/ensemble.hpp"
#include "journeysim/load.hpp"
#include "support.hpp"

namespace journeysim::testing {
namespace {

struct Replicated {
  RunResult result;
  std::uint64_t peak_slots = 0;
  std::vector<TraceRow> trace;
};

// One replication on the engine's classes, from a store of `initial_slots`.
Replicated replicate(const Scenario& scenario, std::uint64_t market, int threads, std::uint64_t initial_slots,
                     bool run_off = false, std::uint64_t trace_stride = 0, std::uint64_t traced = 0) {
  oneapi::tbb::task_arena arena(threads);
  engine::CompiledModel model(scenario);
  engine::CustomerStore store(initial_slots);
  engine::ReplicationSettings settings;
  settings.seed = scenario.seed;
  settings.market_size = market;
  settings.run_off = run_off;
  if (trace_stride > 0) {
    settings.trace_stride = trace_stride;
    settings.trace_end = std::min(trace_stride * traced, market);  // as Engine::run sets it
  }
  Replicated out;
  arena.execute([&] {
    engine::Replication run(scenario, model, store, settings);
    out.result = run.run([](std::uint32_t, std::uint32_t) {});
    out.peak_slots = run.slots_high_water();
    if (trace_stride > 0) out.trace = run.take_trace();
  });
  return out;
}

void expect_same(const RunResult& a, const RunResult& b) {
  EXPECT_EQ(a.aware, b.aware);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.purchasers, b.purchasers);
  EXPECT_EQ(a.promoters, b.promoters);
  EXPECT_EQ(a.detractors, b.detractors);
  EXPECT_EQ(a.advocates, b.advocates);
  EXPECT_EQ(a.in_progress, b.in_progress);
  EXPECT_EQ(a.finished, b.finished);
  EXPECT_EQ(a.truncated, b.truncated);
  EXPECT_EQ(a.satisfaction_count, b.satisfaction_count);
  // Bit for bit: exact sums, whatever slot or thread counted whom.
  EXPECT_EQ(a.satisfaction_sum, b.satisfaction_sum);
  EXPECT_EQ(a.first_purchase_days_mean, b.first_purchase_days_mean);
  EXPECT_EQ(a.first_purchase_days_p50, b.first_purchase_days_p50);
  EXPECT_EQ(a.first_purchase_days_p90, b.first_purchase_days_p90);
  EXPECT_EQ(a.journey_days_mean, b.journey_days_mean);
  EXPECT_EQ(a.lifetime_net_revenue, b.lifetime_net_revenue);
  EXPECT_EQ(a.series.purchasers_cumulative, b.series.purchasers_cumulative);
  EXPECT_EQ(a.series.active_advocates, b.series.active_advocates);
}

TEST(Slots, FollowCustomersInProgressNotThoseEverAware) {
  const Scenario scenario = load_scenario_or_throw(source_path("scenarios/ecosystem.yaml"));
  const Replicated run = replicate(scenario, 500'000, 2, 1 << 20);
  ASSERT_GT(run.result.aware, 300'000u);
  EXPECT_GE(run.peak_slots, run.result.in_progress);
  // About 3 % of those ever aware travel at once at the peak (RESULTS.md, issue J: memory).
  EXPECT_LT(run.peak_slots, run.result.aware / 10) << "slots are not being reused";
}

// One step as long as the horizon: every journey that ends does so within
// the step, and its slot goes to the thread's next new customer at once. So
// the slots in use are those still travelling at the horizon plus at most
// one partly used block of fresh slots per thread, not everyone ever aware.
TEST(Slots, ASlotFreedWithinAStepIsReusedInIt) {
  Scenario scenario = load_scenario_or_throw(source_path("scenarios/ecosystem.yaml"));
  scenario.step_days = scenario.horizon_days;
  constexpr std::uint64_t market = 200'000;
  const Replicated one = replicate(scenario, market, 1, 16);
  ASSERT_GT(one.result.aware, 100'000u);
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const Replicated run = replicate(scenario, market, threads, 16);
    expect_same(run.result, one.result);
    EXPECT_GE(run.peak_slots, run.result.in_progress);
    EXPECT_LE(run.peak_slots, run.result.in_progress + engine::Replication::fresh_block * threads);
  }
}

// A store of 16 slots grows (mremap) dozens of times during the run; on 1
// and 2 threads the results equal the engine's, whose store starts at 2^20
// and, for this market, never grows.
TEST(Slots, GrowingTheStoreAndReusingSlotsChangeNoResult) {
  const Scenario scenario = load_scenario_or_throw(source_path("scenarios/ecosystem.yaml"));
  constexpr std::uint64_t market = 200'000;
  RunOptions options;
  options.market_size = market;
  options.threads = 2;
  options.run_off = true;
  options.trace_customers = 50;
  const Results reference = run_scenario(scenario, options);
  const std::uint64_t stride = trace_stride(scenario, market, 50);
  for (const int threads : {1, 2}) {
    SCOPED_TRACE(threads);
    const Replicated run = replicate(scenario, market, threads, 16, true, stride, 50);
    expect_same(run.result, reference.runs.front());
    ASSERT_EQ(run.trace.size(), reference.trace.rows.size());
    for (std::size_t i = 0; i < run.trace.size(); ++i) {
      EXPECT_EQ(run.trace[i].customer, reference.trace.rows[i].customer);
      EXPECT_EQ(run.trace[i].time, reference.trace.rows[i].time);
      EXPECT_EQ(run.trace[i].event, reference.trace.rows[i].event);
    }
  }
}

}  // namespace
}  // namespace journeysim::testing
