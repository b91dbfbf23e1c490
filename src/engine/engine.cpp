#include "journeysim/engine.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include "engine/compiled_model.hpp"
#include "engine/customers.hpp"
#include "engine/replication.hpp"
#include "journeysim/chain.hpp"

namespace journeysim {

namespace {

void check_limits(const Scenario& scenario, std::uint64_t market_size, const engine::CompiledModel& model) {
  if (market_size == 0) throw std::invalid_argument("market size must be positive");
  if (market_size > limits::max_market_size)
    throw std::invalid_argument(fmt::format("market size {} is too large: at most {} customers per run",
                                            market_size, limits::max_market_size));
  if (model.node_count() > limits::max_nodes)
    throw std::invalid_argument(
        fmt::format("too many touchpoints and awareness channels (at most {} in all)", limits::max_nodes));
  if (model.segment_count() > limits::max_segments)
    throw std::invalid_argument(fmt::format("too many segments (at most {})", limits::max_segments));
  if (!(scenario.horizon_days > 0.0) || !(scenario.step_days > 0.0))
    throw std::invalid_argument("horizon_days and step_days must be positive");
  if (scenario.horizon_days / scenario.step_days > limits::max_steps)
    throw std::invalid_argument(fmt::format(
        "horizon_days / step_days = {:.0f} synchronisation steps; at most {:.0f}: raise step_days",
        scenario.horizon_days / scenario.step_days, limits::max_steps));
  if (scenario.horizon_days > limits::max_horizon_days)
    throw std::invalid_argument(
        fmt::format("horizon_days = {}; at most {:.0f}", scenario.horizon_days, limits::max_horizon_days));
}

}  // namespace

Results run_scenario(const Scenario& scenario, const RunOptions& options) {
  const std::uint64_t market_size = options.market_size.value_or(scenario.market_size);
  const std::uint64_t seed = options.seed.value_or(scenario.seed);
  const unsigned threads =
      options.threads > 0 ? options.threads : static_cast<unsigned>(oneapi::tbb::info::default_concurrency());
  if (options.replications == 0) throw std::invalid_argument("replications must be at least 1");
  if (threads > max_threads)
    throw std::invalid_argument(fmt::format("{} threads requested; at most {}", threads, max_threads));

  engine::CompiledModel model(scenario);
  check_limits(scenario, market_size, model);

  Results results;
  results.scenario_name = scenario.name;
  results.scenario_text = scenario.source_text;
  results.scenario_path = scenario.source_path;
  results.seed = seed;
  results.market_size = market_size;
  results.horizon_days = scenario.horizon_days;
  results.step_days = scenario.step_days;
  results.threads = threads;
  for (const auto& touchpoint : scenario.touchpoints) {
    results.touchpoints.push_back(touchpoint.name);
    results.touchpoint_cost.push_back(touchpoint.cost);
  }
  results.channels = channel_names(scenario);
  for (const auto& segment : effective_segments(scenario)) results.segments.push_back(segment.name);
  results.flows = model.flows();
  results.entries.push_back("initial");  // entry nodes, in the compiled model's order
  for (const auto& name : results.channels) results.entries.push_back("channel:" + name);
  results.entries.push_back("word_of_mouth");

  engine::CustomerStore store(market_size);
  // Honour the request even above the core count (TBB would cap it, with a warning).
  oneapi::tbb::global_control allow(oneapi::tbb::global_control::max_allowed_parallelism, threads);
  oneapi::tbb::task_arena arena(static_cast<int>(threads));
  arena.initialize();
  results.threads = static_cast<unsigned>(arena.max_concurrency());
  for (std::uint32_t replication = 0; replication < options.replications; ++replication) {
    const auto started = std::chrono::steady_clock::now();
    engine::ReplicationSettings settings{seed, market_size, replication, options.max_events_per_customer};
    RunResult result;
    arena.execute([&] {
      engine::Replication run(scenario, model, store, settings);
      result = run.run([&](std::uint32_t step, std::uint32_t steps) {
        if (options.progress)
          options.progress((replication + static_cast<double>(step + 1) / steps) / options.replications);
      });
    });
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    results.wall_seconds += result.wall_seconds;
    results.runs.push_back(std::move(result));
  }
  return results;
}

}  // namespace journeysim
