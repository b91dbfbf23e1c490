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
// A trace is for following customers by eye, or for feeding `fit`; beyond
// this it would be a copy of the whole run.
constexpr std::uint32_t max_trace_customers = 1'000'000;

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
  // Follow this many customers of the first replication, event by event, into
  // Results::trace (0: none). Tracing changes no result.
  std::uint32_t trace_customers = 0;
  // Called from the driving thread with the fraction done (0..1).
  std::function<void(double)> progress;
};

// Same scenario, options and seed ⇒ identical results for any thread count.
// One run on a fresh Engine (ensemble.hpp); use an Engine for many.
Results run_scenario(const Scenario& scenario, const RunOptions& options);

// The customers a trace of `customers` follows are ids 0, stride, 2·stride, …
// (ids are given in order of awareness), spread over the customers expected
// to become aware by the horizon without word of mouth, as `analyze` counts
// them: stride = max(1, ⌊expected aware / customers⌋). It depends on the
// scenario and market size only, never on threads or random draws.
std::uint64_t trace_stride(const Scenario& scenario, std::uint64_t market_size, std::uint32_t customers);

}  // namespace journeysim
