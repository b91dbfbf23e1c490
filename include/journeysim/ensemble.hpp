#pragma once
// Many runs over one engine: a RunPlan says what to run (the scenario after
// its edits, seed, market size, which replications); an Engine owns the
// worker threads and the customer memory and runs plans one after another,
// so a sweep or a comparison pays for them once.
//
//   Engine engine(threads);
//   Results baseline = engine.run(plan_for(scenario, {.replications = 10}));
//   Results arm = engine.run(plan_for(*apply_strategy(scenario, "fix_support", diagnostics), {.replications = 10}));
//
// Replication k of any plan with the same seed uses the same random streams
// (common random numbers), whatever the plan's edits, thread count or the
// range it belongs to: running replications [0, 5) and [5, 10) separately
// gives exactly the runs of [0, 10).
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "journeysim/engine.hpp"
#include "journeysim/results.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim {

struct RunPlan {
  Scenario scenario;  // as it will run: strategies and edits already applied
  std::string label;  // what the run is: "baseline", an arm's name, "point 17"
  std::uint64_t seed = 1;
  std::uint64_t market_size = 0;
  std::uint32_t first_replication = 0;
  std::uint32_t replications = 1;
  std::uint32_t max_events_per_customer = 1'000'000;
  bool run_off = false;  // run purchasers' journeys off past the horizon (lifetime value)
  // Customers of the first replication to follow into Results::trace (0: none;
  // at most max_trace_customers). Until the horizon: run-off is not traced.
  std::uint32_t trace_customers = 0;
};

// A plan from a scenario and run options (seed and market size default to the scenario's).
RunPlan plan_for(Scenario scenario, const RunOptions& options = {});

class MarketPartition;  // partition.hpp

class Engine {
 public:
  explicit Engine(unsigned threads = 0);  // 0: all hardware threads
  // One of several processes that split each plan's market between them
  // (partition.hpp): every process runs the same plans in the same order and
  // gets the same Results. The partition must outlive the engine.
  Engine(unsigned threads, MarketPartition* partition);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  unsigned threads() const;

  // Throws InputError when the plan is beyond the engine's limits, or would
  // not fit in the memory available (it says how much it needs and what to
  // reduce). Throws Interrupted (runtime.hpp) at the next step after a stop
  // is requested (runtime::stop_requested(), a signal), with what it finished.
  // `progress` is called from the calling thread with the fraction done (0..1).
  Results run(const RunPlan& plan, const std::function<void(double)>& progress = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace journeysim
