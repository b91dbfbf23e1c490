#include "journeysim/ensemble.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/task_arena.h>

#include "engine/compiled_model.hpp"
#include "engine/customers.hpp"
#include "engine/replication.hpp"
#include "journeysim/analysis.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/errors.hpp"
#include "journeysim/partition.hpp"
#include "journeysim/runtime.hpp"

namespace journeysim {

namespace {

void check_limits(const Scenario& scenario, std::uint64_t market_size, const engine::CompiledModel& model) {
  if (market_size == 0) throw InputError("market size must be positive");
  if (market_size > limits::max_market_size)
    throw InputError(fmt::format("market size {} is too large: at most {} customers per run",
                                            market_size, limits::max_market_size));
  if (model.node_count() > limits::max_nodes)
    throw InputError(
        fmt::format("too many touchpoints and awareness channels (at most {} in all)", limits::max_nodes));
  if (model.segment_count() > limits::max_segments)
    throw InputError(fmt::format("too many segments (at most {})", limits::max_segments));
  if (!(scenario.horizon_days > 0.0) || !(scenario.step_days > 0.0))
    throw InputError("horizon_days and step_days must be positive");
  if (scenario.horizon_days / scenario.step_days > limits::max_steps)
    throw InputError(fmt::format(
        "horizon_days / step_days = {:.0f} synchronisation steps; at most {:.0f}: raise step_days",
        scenario.horizon_days / scenario.step_days, limits::max_steps));
  if (scenario.horizon_days > limits::max_horizon_days)
    throw InputError(
        fmt::format("horizon_days = {}; at most {:.0f}", scenario.horizon_days, limits::max_horizon_days));
}

// Customers at once, estimated before the run: with word of mouth aside,
// customers become aware at most at the channels' hazard times those still
// unaware, and by Little's law as many travel at once as arrive in a mean
// journey (from the exact analysis); the initially aware all start at once.
// Word of mouth only adds, so this is a floor the run will need, not a
// ceiling: the run itself stops before its slots outgrow the memory
// (Replication::reserve_slots). Also the purchasers' share (4 bytes each of
// first-purchase delays), as if the whole market became aware.
struct CustomerEstimate {
  double in_progress = 0.0;
  double purchasers = 0.0;
  double journey_days = 0.0;
};

CustomerEstimate estimate_customers(const Scenario& scenario, double market) {
  const ExactAnalysis analysis = analyze(scenario);
  double rate = 0.0;
  for (const Segment& segment : effective_segments(scenario))
    for (const AwarenessChannel& channel : scenario.awareness.channels)
      rate += segment.share * segment.awareness_multiplier * channel.rate;
  const double initial = scenario.awareness.initial_share;
  const double days = std::isfinite(analysis.expected_journey_days) ? analysis.expected_journey_days : 0.0;
  CustomerEstimate estimate;
  estimate.journey_days = days;
  estimate.in_progress = market * (initial + (1.0 - initial) * std::min(1.0, rate * days));
  estimate.purchasers =
      market * (std::isfinite(analysis.conversion_probability) ? std::clamp(analysis.conversion_probability, 0.0, 1.0)
                                                               : 1.0);
  return estimate;
}

// Refuses a run that cannot fit in memory, before it allocates (a long
// horizon's daily series are allocated whole, per thread and per
// replication), and returns what its customers' state may then take, for
// the run to stop at if its customers in progress outgrow it. Customers
// first count as if all became aware and all travelled at once (nothing to
// compute); only a run that would not fit so is estimated from its
// customers in progress (estimate_customers), which solves the chain.
struct MemoryBudget {
  std::uint64_t customers = 0;  // bytes customers' state may take; 0: no limit known
  std::uint64_t available = 0;
  std::string source;
};

MemoryBudget check_memory(const Scenario& scenario, const RunPlan& plan, const engine::CompiledModel& model,
                           unsigned threads, const engine::Ownership& ownership) {
  const double days = std::max(1.0, std::ceil(scenario.horizon_days));
  const double entries = model.node_count() - model.touchpoint_count();
  const double cells = double(model.segment_count()) * model.touchpoint_count();
  const double channels = double(scenario.awareness.channels.size());
  constexpr double word = 8.0;
  // A thread's tally (tally.hpp): per-cell and per-segment-flow counters, entries × days and 6 daily counters;
  // one more for the merge in collect(); a replication's own rating series.
  const double tally = word * (3.0 * cells + model.touchpoint_count() + entries +
                               double(model.segment_count()) * double(model.flows().size()) +
                               (entries + 6.0) * days + (plan.run_off ? 2.0 * cells : 0.0));
  const double per_replication_series = word * (7.0 + channels) * days;  // RunResult::series, kept for every replication
  const double series = per_replication_series * plan.replications;
  const double fixed = tally * (threads + 1.0) + word * days + series;
  constexpr double per_slot = engine::bytes_per_slot;
  constexpr double per_purchaser = engine::bytes_per_purchaser;
  const double mine = double(ownership.slots_below(plan.market_size));  // this process's share of the market
  double customers = mine * (per_slot + per_purchaser);
  const runtime::MemoryAvailable available = runtime::available_memory();
  if (available.source.empty()) return {};
  const auto budget = [&] {
    return MemoryBudget{static_cast<std::uint64_t>(std::max(0.0, double(available.bytes) - fixed)), available.bytes,
                        available.source};
  };
  if (fixed + customers <= static_cast<double>(available.bytes)) return budget();
  std::optional<CustomerEstimate> estimate;
  try {
    estimate = estimate_customers(scenario, mine);
    customers = estimate->in_progress * per_slot + estimate->purchasers * per_purchaser;
  } catch (const std::exception&) {
    // A chain too large to solve here: keep the whole market's count.
  }
  const double needed = fixed + customers;
  if (needed <= static_cast<double>(available.bytes)) return budget();
  const auto bytes = [](double value) { return runtime::format_bytes(static_cast<std::uint64_t>(value)); };
  std::vector<std::string> parts;
  if (days >= 10'000 || series + tally * (threads + 1.0) > 0.25 * needed)
    parts.push_back(fmt::format("{} for daily series ({:.0f} days × {} {} and {} {})", bytes(tally * (threads + 1.0) + series),
                                days, threads, threads == 1 ? "thread" : "threads", plan.replications,
                                plan.replications == 1 ? "replication" : "replications"));
  const std::string share =
      ownership.ranks > 1 ? fmt::format(", this process's share of {}", plan.market_size) : std::string();
  if (customers > 0.25 * needed) {
    if (estimate)
      parts.push_back(fmt::format(
          "{} for customers: about {:.0f} in progress at once × {:.0f} bytes (their awareness rates × a mean "
          "journey of {:.3g} days, word of mouth aside{}) and {:.0f} purchasers' first-purchase delays × {:.0f} bytes",
          bytes(customers), estimate->in_progress, per_slot, estimate->journey_days, share, estimate->purchasers,
          per_purchaser));
    else
      parts.push_back(fmt::format("{} for customers ({:.0f} × {:.0f} bytes, should all become aware at once{})",
                                  bytes(customers), mine, per_slot + per_purchaser, share));
  }
  throw InputError(fmt::format(
      "this {}run needs about {} of memory ({}), but {} is available ({}); to need less: shorten horizon_days "
      "(daily series grow with it, whatever step_days), use fewer --replications or --threads, {}a smaller "
      "--market-size",
      ownership.ranks > 1 ? "process of the " : "", bytes(needed), fmt::join(parts, "; "),
      bytes(static_cast<double>(available.bytes)), available.source,
      ownership.ranks > 1 ? "split the market over more processes (mpirun -n, on more machines), or " : "or "));
}

// Results metadata: names and facts a writer needs, from the plan.
Results describe(const RunPlan& plan, const engine::CompiledModel& model) {
  const Scenario& scenario = plan.scenario;
  Results results;
  results.scenario_name = scenario.name;
  results.scenario_text = scenario.source_text;
  results.scenario_path = scenario.source_path;
  results.label = plan.label;
  results.strategies = scenario.applied_strategies;
  for (const auto& name : scenario.applied_strategies)
    results.strategy += (results.strategy.empty() ? "" : "+") + name;
  results.edits = scenario.applied_edits;
  results.seed = plan.seed;
  results.market_size = plan.market_size;
  results.horizon_days = scenario.horizon_days;
  results.step_days = scenario.step_days;
  for (const auto& touchpoint : scenario.touchpoints) {
    results.touchpoints.push_back(touchpoint.name);
    results.touchpoint_cost.push_back(touchpoint.cost);
    results.touchpoint_revenue.push_back(touchpoint.purchase_revenue.value_or(0.0));
    results.touchpoint_refund.push_back(touchpoint.refund_amount.value_or(0.0));
  }
  results.channels = channel_names(scenario);
  for (const auto& segment : effective_segments(scenario)) results.segments.push_back(segment.name);
  results.flows = model.flows();
  results.entries.push_back("initial");  // entry nodes, in the compiled model's order
  for (const auto& name : results.channels) results.entries.push_back("channel:" + name);
  results.entries.push_back("word_of_mouth");
  return results;
}

// Partitioned, an error on one process while the others may wait for it in a
// collective must end them all: the program aborts the job while this is
// alive. A stop every process agreed on ends it (end()), and so does the end.
class InFlight {
 public:
  explicit InFlight(MarketPartition* partition) : partition_(partition) {
    if (partition_) partition_->set_in_flight(true);
  }
  void end() {
    if (partition_) partition_->set_in_flight(false);
  }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  MarketPartition* partition_;
};

// Was a stop requested, and by which signal? Partitioned: by any process,
// and the first one's signal, the same answer on every process.
std::optional<int> agreed_stop(MarketPartition* partition) {
  const std::int32_t mine = runtime::stop_requested() ? runtime::stop_signal() + 1 : 0;
  if (!partition) return mine > 0 ? std::optional<int>(mine - 1) : std::nullopt;
  std::byte bytes[sizeof mine];
  std::memcpy(bytes, &mine, sizeof mine);
  for (const auto& theirs : partition->gather(bytes)) {
    std::int32_t value = 0;
    std::memcpy(&value, theirs.data(), sizeof value);
    if (value > 0) return value - 1;
  }
  return std::nullopt;
}

}  // namespace

RunPlan plan_for(Scenario scenario, const RunOptions& options) {
  RunPlan plan;
  plan.seed = options.seed.value_or(scenario.seed);
  plan.market_size = options.market_size.value_or(scenario.market_size);
  plan.replications = options.replications;
  plan.max_events_per_customer = options.max_events_per_customer;
  plan.run_off = options.run_off;
  plan.trace_customers = options.trace_customers;
  plan.scenario = std::move(scenario);
  return plan;
}

struct Engine::State {
  explicit State(unsigned requested)
      : threads(requested > 0 ? requested : static_cast<unsigned>(oneapi::tbb::info::default_concurrency())),
        // Honour the request even above the core count (TBB would cap it, with a warning).
        allow(oneapi::tbb::global_control::max_allowed_parallelism, threads),
        arena(static_cast<int>(threads)) {
    arena.initialize();
  }

  // Customer memory is kept between runs: pages already touched need no
  // fresh zeroing by the kernel, which matters for many small runs. It
  // starts small and grows with the customers in progress (Replication::reserve_slots).
  engine::CustomerStore& store_for(std::uint64_t slots) {
    if (!store) store = std::make_unique<engine::CustomerStore>(std::min<std::uint64_t>(slots, initial_slots));
    return *store;
  }
  static constexpr std::uint64_t initial_slots = 1 << 20;

  engine::CompiledModel& model_for(const Scenario& scenario) {
    if (model) model->compile(scenario);
    else model.emplace(scenario);
    return *model;
  }

  unsigned threads;
  MarketPartition* partition = nullptr;
  engine::Ownership ownership;
  oneapi::tbb::global_control allow;
  oneapi::tbb::task_arena arena;
  std::unique_ptr<engine::CustomerStore> store;
  std::optional<engine::CompiledModel> model;  // the last plan's, its storage reused by the next
};

Engine::Engine(unsigned threads) : Engine(threads, nullptr) {}

Engine::Engine(unsigned threads, MarketPartition* partition) {
  if (threads > max_threads) throw InputError(fmt::format("{} threads requested; at most {}", threads, max_threads));
  state_ = std::make_unique<State>(threads);
  state_->partition = partition;
  if (partition) state_->ownership = {partition->rank(), partition->ranks()};
}

Engine::~Engine() = default;

unsigned Engine::threads() const { return static_cast<unsigned>(state_->arena.max_concurrency()); }

Results Engine::run(const RunPlan& plan, const std::function<void(double)>& progress) {
  MarketPartition* partition = state_->partition;
  const Scenario& scenario = plan.scenario;
  // Partitioned, every process checks and they go on together: memory, say,
  // can differ from machine to machine, and no process may be left waiting.
  MemoryBudget memory;  // what customers' state may take
  all_or_none(partition, [&] {
    if (plan.replications == 0) throw InputError("replications must be at least 1");
    if (plan.first_replication > std::numeric_limits<std::uint32_t>::max() - plan.replications)
      throw InputError("replication numbers must stay below 2^32");
    if (plan.trace_customers > max_trace_customers)
      throw InputError(fmt::format("{} customers to trace; at most {}", plan.trace_customers, max_trace_customers));
    const engine::CompiledModel& checked = state_->model_for(scenario);
    check_limits(scenario, plan.market_size, checked);
    memory = check_memory(scenario, plan, checked, threads(), state_->ownership);
    runtime::throw_if_stop_requested("before the run started");
    return 0;
  });
  engine::CompiledModel& model = *state_->model;
  InFlight in_flight(partition);

  Results results = describe(plan, model);
  results.threads = threads();
  results.processes = partition ? partition->ranks() : 1;
  results.run_off = plan.run_off;
  JourneyTrace& trace = results.trace;
  trace.requested = plan.trace_customers;
  trace.replication = plan.first_replication;
  if (trace.requested > 0) trace.stride = trace_stride(scenario, plan.market_size, trace.requested);
  engine::CustomerStore& store = state_->store_for(state_->ownership.slots_below(plan.market_size));
  for (std::uint32_t k = 0; k < plan.replications; ++k) {
    const std::uint32_t replication = plan.first_replication + k;
    const auto started = std::chrono::steady_clock::now();
    engine::ReplicationSettings settings{plan.seed, plan.market_size, replication, plan.max_events_per_customer,
                                         plan.run_off};
    settings.partition = partition;
    settings.customer_memory = memory.customers;
    settings.memory_available = memory.available;
    settings.memory_source = memory.source;
    const bool traced = k == 0 && trace.requested > 0;  // one replication: a trace is for reading, not averaging
    if (traced) {
      settings.trace_stride = trace.stride;
      settings.trace_end = std::min(trace.stride * trace.requested, plan.market_size);
    }
    RunResult result;
    std::uint32_t steps_run = 0, total_steps = 0;
    state_->arena.execute([&] {
      engine::Replication run(scenario, model, store, settings);
      result = run.run([&](std::uint32_t step, std::uint32_t steps) {
        if (progress) progress((k + static_cast<double>(step + 1) / steps) / plan.replications);
      });
      steps_run = run.steps_run();
      total_steps = run.steps();
      if (traced) trace.rows = run.take_trace();
    });
    if (traced)  // ids 0, stride, … below the number made aware
      trace.customers = std::min<std::uint64_t>(trace.requested, (result.aware + trace.stride - 1) / trace.stride);
    result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (const std::optional<int> signal_seen = agreed_stop(partition)) {
      // Keep what is whole: the finished replications, or the first one up to the step it reached.
      const int signal = *signal_seen;
      const std::string by = runtime::signal_name(signal);
      const bool cut = steps_run < total_steps;
      std::string what;
      if (cut && k == 0) {
        const double day = std::min(scenario.horizon_days, steps_run * scenario.step_days);
        what = fmt::format("interrupted ({}) at day {:g} of {:g}{}", by, day, scenario.horizon_days,
                           plan.replications > 1 ? fmt::format(", in replication 1 of {}", plan.replications) : "");
        results.interrupted = what + ": the results stop there";
      } else {
        const std::uint32_t whole = cut ? k : k + 1;
        what = fmt::format("interrupted ({}) after {} of {} replications", by, whole, plan.replications);
        if (whole < plan.replications) results.interrupted = what;
      }
      if (!cut || k == 0) {
        results.wall_seconds += result.wall_seconds;
        results.runs.push_back(std::move(result));
      }
      in_flight.end();  // every process stops here
      throw Interrupted(what, signal, std::move(results));
    }
    results.wall_seconds += result.wall_seconds;
    results.runs.push_back(std::move(result));
  }
  in_flight.end();
  return results;
}

Results run_scenario(const Scenario& scenario, const RunOptions& options) {
  Engine engine(options.threads);
  return engine.run(plan_for(scenario, options), options.progress);
}

}  // namespace journeysim
