#pragma once
// One replication of a scenario: the step loop (shared influences frozen
// within a step), awareness activation by pool, and the per-customer walk.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include <oneapi/tbb/enumerable_thread_specific.h>

#include "engine/activation_index.hpp"
#include "engine/compiled_model.hpp"
#include "engine/customers.hpp"
#include "engine/ownership.hpp"
#include "engine/philox_batch.hpp"
#include "engine/random.hpp"
#include "engine/tally.hpp"
#include "journeysim/engine.hpp"
#include "journeysim/partition.hpp"
#include "journeysim/results.hpp"
#include "journeysim/runtime.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim::engine {

// Memory per customer in progress: its slot (customers.hpp) and its calendar
// entry, twice (the list of the step it is advanced in is freed only when
// the step ends, by when it is in a later one); and per purchaser, its
// first-purchase delay. The guard before the run (engine.cpp) and the one
// as slots grow (Replication::reserve_slots) count with these.
inline constexpr std::uint64_t bytes_per_slot = CustomerStore::bytes_per_customer + 2 * StepCalendar::bytes_per_entry;
inline constexpr std::uint64_t bytes_per_purchaser = sizeof(float);

struct ReplicationSettings {
  std::uint64_t seed = 1;
  std::uint64_t market_size = 0;
  std::uint32_t replication = 0;
  std::uint32_t max_events_per_customer = 1'000'000;
  bool run_off = false;  // continue purchasers' journeys past the horizon (run_off.cpp)
  // Customers traced (trace.cpp): ids below trace_end that are multiples of
  // trace_stride. trace_end = 0: none.
  std::uint64_t trace_stride = 1;
  std::uint64_t trace_end = 0;
  // One market split across processes: this one runs the customers it owns
  // (ownership.hpp) and combines the rest through the partition. nullptr: all.
  MarketPartition* partition = nullptr;
  // Memory the customers' state may take (slots, calendar, first-purchase
  // delays), and what was available when the run started and where that was
  // read: the run stops with a message before its customers in progress
  // would need more (engine.cpp). 0: no limit.
  std::uint64_t customer_memory = 0;
  std::uint64_t memory_available = 0;
  std::string memory_source{};
};

class Replication {
 public:
  Replication(const Scenario& scenario, CompiledModel& model, CustomerStore& store,
              const ReplicationSettings& settings);

  // Runs to the horizon. `on_step(k, steps)` is called after each step.
  // A stop (runtime::stop_requested(), read once per step) ends it early:
  // then steps_run() < steps() and the results stop at that step.
  template <typename OnStep>
  RunResult run(OnStep&& on_step);
  std::uint32_t steps() const { return steps_; }
  std::uint32_t steps_run() const { return steps_run_; }
  // Slots handed out: the memory customers in progress took. Beyond the most
  // in progress at once, a step may add free slots another thread held and
  // each thread's partly used block of fresh ones.
  std::uint64_t slots_high_water() const { return high_water_; }
  // Fresh slots a thread claims at a time (see take_slot).
  static constexpr std::uint64_t fresh_block = 256;

  // After run(): the traced customers' rows, in journey order, with a row
  // for each still travelling at the horizon. Moves the per-thread rows out.
  std::vector<TraceRow> take_trace();

 private:
  // A run of consecutive new customer ids made aware together: one segment,
  // one entry, one step. Its customers draw from streams keyed by the run
  // (its key) and their position in it, not by their id: when a strategy
  // changes how many become aware through one route in one step, every
  // other customer keeps the random numbers it had in the baseline, so
  // differences between the two are the strategy's, not a reshuffle.
  struct Activation {
    DrawStream::Key key;
    std::uint32_t first_id;
    std::uint32_t count;
    std::uint8_t segment;
    std::uint32_t entry_node;
    double hazard;  // total awareness hazard of the segment this step; 0: aware at the step start
    double aware_within_step;  // 1 − e^{−hazard·step}: P(aware in this step), shared by the whole run of ids
  };

  using Block = r123::Philox4x32::ctr_type;
  // Block 0 of one event of a thread's new customers (awareness: event 0,
  // their first step: event 1), made for PhiloxBatch::lanes consecutive
  // positions of one activation at a time: a step's new customers come in
  // runs of consecutive ids. The same bits as DrawStream makes (philox_batch.hpp).
  class NewCustomerBlocks {
   public:
    explicit NewCustomerBlocks(std::uint32_t event) : event_(event) {}
    Block block(const Activation& activation, std::uint32_t position, std::uint32_t replication) {
      if (&activation != activation_ || position - first_ >= PhiloxBatch::lanes) {
        philox_streams(activation.key, event_, 0, position, replication, batch_);
        activation_ = &activation;
        first_ = position;
      }
      return batch_.block(position - first_);
    }

   private:
    std::uint32_t event_;
    const Activation* activation_ = nullptr;
    std::uint32_t first_ = 0;
    PhiloxBatch batch_;
  };

  // Returns true when the run stops here: a process of a partitioned run was
  // asked to stop (every process sees the same answer at the same step).
  bool synchronise(std::uint32_t step);
  // Days that end within the current step: the rating this step uses.
  void record_day_ratings();
  void activate(std::uint32_t step);
  void advance_step(std::uint32_t step);
  void start_customer(std::uint32_t id, std::uint32_t slot, const Activation& activation, NewCustomerBlocks& awareness,
                      Tally& tally);
  // A thread's list of the customers waiting for this step, handed out in
  // chunks to whichever thread asks (advance_step).
  struct WaitingList {
    const Tally* owner = nullptr;  // the thread's tally whose list it is
    const std::uint32_t* slots = nullptr;
    std::uint64_t size = 0;
    alignas(64) std::atomic<std::uint64_t> claimed{0};
  };
  static constexpr std::uint64_t chunk = 256;  // customers a thread takes at a time
  void advance_list(WaitingList& list, Tally& tally);
  // This step's new customers [begin, end) (positions among them).
  void start_new(std::uint64_t begin, std::uint64_t end, Tally& tally);
  // Waiting customers by slot, PhiloxBatch::lanes at a time: the block of
  // each one's next event is made for all at once.
  void advance_waiting(const std::uint32_t* slots, std::uint64_t count, Tally& tally);
  // A journey is over: what the results need is counted, and the slot freed.
  void end_journey(std::uint32_t slot, Tally& tally) const;
  // Room for slots [0, room): checks the memory `slots` in use would need
  // against the budget (settings.customer_memory) when that is more than
  // now, then grows the store.
  void reserve_slots(std::uint64_t slots, std::uint64_t room);
  // The activation a customer id belongs to (ids ascend with activations).
  const Activation& activation_of(std::uint32_t id) const;
  // Customers' state is found by slot, their random streams by id
  // (HotState::id): by its activation, and `next_block`, block 0 of its next
  // event (made in batches by the caller).
  void advance(std::uint32_t slot, const Activation& activation, const Block& next_block, Tally& tally);
  // The walk, compiled twice: the untraced copy has no trace code at all, so
  // tracing costs untraced customers one branch per advance(), not per event.
  template <bool Traced>
  void walk(std::uint32_t slot, const Activation& activation, const Block& next_block, Tally& tally);
  void record_advocate(double until, std::uint32_t day, Tally& tally) const;
  // After the horizon: purchasers still travelling continue to the end of
  // their journeys with shared influences frozen; only money is counted.
  void run_off();
  void run_off_customer(std::uint32_t slot, RunOffTally& tally) const;
  template <bool Traced>
  void enter(std::uint32_t slot, std::uint32_t node, const NodeTable& table, std::uint32_t segment, double time,
             std::uint32_t event_number, DrawStream& draws, Tally& tally);
  bool traced_id(std::uint32_t id) const { return id < settings_.trace_end && id % settings_.trace_stride == 0; }
  // Records an event of a traced customer; its segment and satisfaction are
  // read from its state.
  [[gnu::cold, gnu::noinline]] void trace(Tally& tally, std::uint32_t slot, std::uint32_t event_number,
                                          TraceEvent event, double time, std::uint32_t place,
                                          double experience = std::numeric_limits<double>::quiet_NaN()) const;
  double dwell(const NodeTable& node, DrawStream& draws) const;
  RunResult collect() const;
  // Adds every process's `values` into each (integers: exact in any order).
  void sum_over_processes(std::span<std::uint64_t> values) const {
    if (settings_.partition) settings_.partition->sum(values);
  }

  std::uint32_t day_of(double time) const {
    const auto day = static_cast<std::uint32_t>(time);
    return day < days_ ? day : days_ - 1;
  }

  const Scenario& scenario_;
  CompiledModel& model_;
  CustomerStore& store_;
  ReplicationSettings settings_;
  Ownership ownership_;
  TallyShape shape_;
  oneapi::tbb::enumerable_thread_specific<Tally> tallies_;
  oneapi::tbb::enumerable_thread_specific<RunOffTally> run_off_tallies_;

  double horizon_ = 0.0;
  double step_days_ = 1.0;
  std::uint32_t steps_ = 0;
  std::uint32_t steps_run_ = 0;
  std::uint32_t days_ = 0;
  std::uint32_t touchpoints_ = 0;

  // Unaware pools per segment, and customers made aware so far.
  std::vector<std::uint64_t> unaware_;
  std::vector<std::uint64_t> segment_aware_;
  std::uint32_t next_id_ = 0;

  // State of the current step.
  double step_start_ = 0.0;
  double step_end_ = 0.0;
  std::uint32_t step_ = 0;
  std::vector<Activation> activations_;  // all of them so far, in id order
  ActivationIndex activation_index_;     // id -> activations_ index
  std::size_t step_activations_ = 0;     // where this step's activations begin
  std::vector<WaitingList> waiting_lists_;  // one per thread's tally, this step's
  alignas(64) std::atomic<std::uint64_t> new_claimed_{0};  // this step's new customers handed out: a line of its own
  // This step's new customers that this process owns, as runs of
  // consecutive ids; `offset` counts the new customers before.
  struct NewRun {
    std::uint32_t first_id;
    std::uint32_t count;
    std::uint64_t offset;
  };
  std::vector<NewRun> new_runs_;

  // Slots. [0, high_water_) have been handed out. Each thread keeps the slots
  // of the journeys it ended (Tally::freed) and gives them to its next new
  // customers, the last freed first (likely still in cache; nothing else can
  // be reading it), even within the step; then fresh ones, from a block of
  // fresh_block it claims past the high-water mark with one atomic add.
  // Between steps the free lists are evened out (balance_free_slots). Which
  // customer gets which slot depends on thread timing; no result depends on it.
  std::uint32_t take_slot(Tally& tally);
  std::uint64_t balance_free_slots();  // returns the free slots in all
  std::uint64_t high_water_ = 0;
  std::atomic<std::uint64_t> fresh_claimed_{0};  // the high-water mark during a step

  // Shared influences as of the current step start.
  std::uint64_t reviews_ = 0;
  std::uint64_t rating_sum_ = 0;
  std::uint64_t advocates_started_ = 0;
  std::uint64_t advocates_expired_ = 0;
  double public_rating_ = 0.0;
  // The public rating in force at the end of each day (series.public_rating),
  // recorded step by step; days_rated_ days are done.
  std::vector<double> day_rating_;
  std::uint32_t days_rated_ = 0;

  // Customer-level constants, hoisted out of the hot loop.
  double post_probability_ = 0.0;
  float promoter_at_ = 0.0f;  // satisfaction is stored as float: compare in float
  float detractor_below_ = 0.0f;
  double advocate_probability_ = 0.0;
  double advocate_days_ = 0.0;  // 0: forever
};

template <typename OnStep>
RunResult Replication::run(OnStep&& on_step) {
  for (std::uint32_t step = 0; step < steps_; ++step) {
    if (synchronise(step)) break;
    record_day_ratings();
    activate(step);
    advance_step(step);
    on_step(step, steps_);
    steps_run_ = step + 1;
    // A signal: stop at this step boundary (partitioned: at the next synchronise, all together).
    if (!settings_.partition && runtime::stop_requested()) [[unlikely]] break;
  }
  if (settings_.run_off && steps_run_ == steps_) run_off();
  return collect();
}

}  // namespace journeysim::engine
