// The step calendar: memory independent of the number of steps, nothing lost
// or reordered across window boundaries.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/calendar.hpp"
#include "journeysim/engine.hpp"
#include "support.hpp"

namespace journeysim {
namespace {

using engine::StepCalendar;
using engine::StepCounter;

TEST(Calendar, EveryIdComesDueAtItsStepAcrossWindows) {
  StepCalendar calendar;
  StepCounter counter;
  const std::uint32_t steps = 5 * StepCalendar::window + 17;
  // Push from step 0 towards many future steps, some windows ahead.
  for (std::uint32_t id = 0; id < 3000; ++id) {
    const std::uint32_t due = 1 + (id * 7919u) % (steps - 1);
    calendar.push(due, id);
    counter.add(due);
  }
  std::vector<std::uint32_t> seen(3000, 0);
  std::uint64_t counted = 0;
  for (std::uint32_t step = 1; step < steps; ++step) {
    if (step % StepCalendar::window == 0) {
      calendar.open_window(step);
      counter.open_window(step);
    }
    auto& due = calendar.due(step);
    for (std::uint32_t id : due) {
      EXPECT_EQ(1 + (id * 7919u) % (steps - 1), step);
      ++seen[id];
    }
    due.clear();
    counted += counter.take(step);
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](std::uint32_t n) { return n == 1; }));
  EXPECT_EQ(counted, 3000u);
}

// A thread may make its first tally (and so its calendars) at any step: one
// made in the second window must keep the next step in its ring, where the
// step loop looks, not in the list it only sorts in at the next window.
TEST(Calendar, OneMadeLateStartsInTheWindowOfItsStep) {
  const std::uint32_t made_at = StepCalendar::window + 476;
  const std::uint32_t window_start = made_at - made_at % StepCalendar::window;
  StepCalendar calendar(window_start);
  StepCounter counter(window_start);
  calendar.push(made_at + 1, 7);
  counter.add(made_at + 1);
  calendar.push(window_start + StepCalendar::window + 3, 8);  // the next window's: waits for it
  counter.add(window_start + StepCalendar::window + 3);
  EXPECT_EQ(calendar.due(made_at + 1), std::vector<std::uint32_t>{7});
  EXPECT_EQ(counter.take(made_at + 1), 1u);
  calendar.open_window(window_start + StepCalendar::window);
  counter.open_window(window_start + StepCalendar::window);
  EXPECT_EQ(calendar.due(window_start + StepCalendar::window + 3), std::vector<std::uint32_t>{8});
  EXPECT_EQ(counter.take(window_start + StepCalendar::window + 3), 1u);

  // What a calendar made at step 0 would have done: the step seen a window late.
  StepCalendar from_zero;
  from_zero.push(made_at + 1, 7);
  EXPECT_TRUE(from_zero.due(made_at + 1).empty());
}

TEST(Calendar, LongWaitsAndAdvocacyEndsSurviveManyWindowsInARun) {
  // 3000 steps of 0.01 days: a 15-day dwell waits 1500 steps (beyond a window),
  // and advocacy ends spread over all windows.
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 30
step_days: 0.01
market: {size: 50000}
awareness: {initial: {share: 1.0, via: {buy: 1.0}}}
word_of_mouth: {via: buy, rate: 0.0, advocate_days: 10}
touchpoints:
  buy:  {stage: purchase, purchase: {revenue: 1}, experience: 1.0, dwell_days: 15}
advocacy: {advocate_probability: 1.0}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  EXPECT_EQ(run.finished, 50000u);
  EXPECT_NEAR(run.journey_days_mean, 15.0, 1e-6);
  for (size_t day = 0; day < 30; ++day) {
    const double survive = std::exp(-static_cast<double>(day + 1) / 10.0);
    EXPECT_WITHIN_SE(static_cast<double>(run.series.active_advocates[day]) / 5e4, survive,
                     std::sqrt(survive * (1 - survive) / 5e4), 4.0);
  }
}

}  // namespace
}  // namespace journeysim

namespace journeysim {
namespace {

TEST(Calendar, ExpiringAdvocatesDriveWordOfMouthStepByStep) {
  // 50,000 advocates from day 0 with Exp(10-day) lives talk to 150,000
  // unaware people, who do not buy (so no new advocates). Advocates active at
  // step k are those whose life exceeds k·step, so the unaware follow
  // U_{k+1} = U_k · exp(−q·A_k/m·step), A_k = 50000·e^{−k·step/10}.
  // 3000 steps: advocacy ends are binned many calendar windows ahead.
  const Scenario scenario = testing::load_yaml(R"(
horizon_days: 30
step_days: 0.01
market: {size: 200000}
awareness: {initial: {share: 0.25, via: {buy: 1.0}}}
word_of_mouth: {via: heard, rate: 0.4, advocate_days: 10}
touchpoints:
  buy:   {stage: purchase, purchase: {revenue: 1}, experience: 1.0}
  heard: {stage: consideration}
advocacy: {advocate_probability: 1.0}
)");
  const RunResult run = run_scenario(scenario, {}).runs.at(0);
  ASSERT_EQ(run.advocates, 50000u);
  // Advocates count from the step after their purchase (day 0), so step 0
  // has none. The number active is itself random (each life is Exp(10)):
  // the hazard integral Λ = q/m·step·Σ_k A_k varies with
  // Var = (q/m·step)²·N·Var(M), M = #{k ≥ 1: life > k·step}, which adds to
  // the binomial variance of who hears, through d(heard)/dΛ = e^{−Λ}.
  const double pool = 150000.0, step = 0.01, advocates = 50000.0, q_over_m = 0.4 / 200000.0;
  double unaware = 1.0, heard = 0.0, mean_m = 0.0, mean_m2 = 0.0;
  for (int day = 0; day < 30; ++day) {
    for (int k = 0; k < 100; ++k) {
      const int index = day * 100 + k;
      if (index == 0) continue;
      const double alive = std::exp(-index * step / 10.0);  // P(life > k·step)
      unaware *= std::exp(-q_over_m * advocates * alive * step);
      mean_m += alive;
      mean_m2 += (2.0 * index - 1.0) * alive;
    }
    heard += static_cast<double>(run.series.newly_aware_word_of_mouth[static_cast<size_t>(day)]);
    const double expected = 1.0 - unaware;
    const double lifetime_sd = unaware * q_over_m * step * std::sqrt(advocates * (mean_m2 - mean_m * mean_m));
    const double se = std::sqrt(expected * (1 - expected) / pool + lifetime_sd * lifetime_sd);
    EXPECT_WITHIN_SE(heard / pool, expected, se, 4.0) << "day " << day;
  }
}

}  // namespace
}  // namespace journeysim
