#pragma once
// Runs a scenario: customers become aware, walk the touchpoint graph, buy,
// review and advocate; shared influences are synchronised every step_days.
#include <cstdint>
#include <functional>
#include <optional>

#include "journeysim/results.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim {

// More worker threads than this is a mistake, not a request.
constexpr unsigned max_threads = 1024;

struct RunOptions {
  unsigned threads = 0;  // 0: all hardware threads
  std::optional<std::uint64_t> seed;         // overrides scenario.seed
  std::optional<std::uint64_t> market_size;  // overrides market.size
  std::uint32_t replications = 1;
  std::uint32_t max_events_per_customer = 1'000'000;  // beyond it a journey is truncated
  // After the horizon, purchasers still travelling continue to the end of
  // their journeys with shared influences frozen at their final values, so
  // RunResult::lifetime_net_revenue (and lifetime_value) can be reported.
  bool run_off = false;
  // Called from the driving thread with the fraction done (0..1).
  std::function<void(double)> progress;
};

// Same scenario, options and seed ⇒ identical results for any thread count.
// One run on a fresh Engine (ensemble.hpp); use an Engine for many.
Results run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace journeysim
