#include "engine/replication.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <boost/random/binomial_distribution.hpp>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/task_arena.h>

#include <fmt/format.h>

#include "engine/reciprocal.hpp"
#include "journeysim/chain.hpp"
#include "journeysim/errors.hpp"
#include "runtime/parallel_for.hpp"

namespace journeysim::engine {

namespace {

// Segment sizes summing exactly to the market (largest remainder, ties by
// order). Shares are normalised first: the loader allows a 1e-9 slack, which
// at a billion customers would otherwise be one customer too many.
std::vector<std::uint64_t> segment_sizes(const std::vector<Segment>& segments, std::uint64_t market) {
  std::vector<std::uint64_t> sizes;
  std::vector<std::pair<double, size_t>> remainders;
  std::uint64_t assigned = 0;
  double total_share = 0.0;
  for (const auto& segment : segments) total_share += segment.share;
  for (size_t s = 0; s < segments.size(); ++s) {
    const double exact = segments[s].share / total_share * static_cast<double>(market);
    const auto whole = static_cast<std::uint64_t>(std::floor(exact));
    sizes.push_back(whole);
    assigned += whole;
    remainders.push_back({exact - static_cast<double>(whole), s});
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; assigned < market; ++i, ++assigned) ++sizes[remainders[i % remainders.size()].second];
  for (; assigned > market; --assigned) --*std::max_element(sizes.begin(), sizes.end());  // rounding overshoot
  return sizes;
}

// Boost's binomial, not std::'s: its algorithm is fixed, so a seed gives the
// same counts under any standard library.
std::uint64_t binomial(std::uint64_t trials, double probability, DrawStream& draws) {
  if (trials == 0 || probability <= 0.0) return 0;
  if (probability >= 1.0) return trials;
  boost::random::binomial_distribution<std::int64_t, double> distribution(static_cast<std::int64_t>(trials),
                                                                            probability);
  return static_cast<std::uint64_t>(distribution(draws));
}

}  // namespace

Replication::Replication(const Scenario& scenario, CompiledModel& model, CustomerStore& store,
                         const ReplicationSettings& settings)
    : scenario_(scenario),
      model_(model),
      store_(store),
      settings_(settings),
      ownership_{settings.partition ? settings.partition->rank() : 0u,
                 settings.partition ? settings.partition->ranks() : 1u},
      shape_{model.touchpoint_count(),
             model.segment_count(),
             model.node_count() - model.touchpoint_count(),
             static_cast<std::uint32_t>(model.flows().size()),
             static_cast<std::uint32_t>(
                 std::max(1.0, std::ceil(scenario.horizon_days / scenario.step_days - 1e-9))),
             static_cast<std::uint32_t>(std::max(1.0, std::ceil(scenario.horizon_days)))},
      tallies_([this] { return Tally(shape_, step_ - step_ % StepCalendar::window); }),
      run_off_tallies_([this] { return RunOffTally(shape_); }),
      horizon_(scenario.horizon_days),
      step_days_(scenario.step_days),
      steps_(shape_.steps),
      days_(shape_.days),
      touchpoints_(model.touchpoint_count()) {
  unaware_ = segment_sizes(effective_segments(scenario), settings.market_size);
  segment_aware_.assign(unaware_.size(), 0);
  public_rating_ = scenario.reviews.prior_rating;
  day_rating_.assign(days_, std::numeric_limits<double>::quiet_NaN());
  post_probability_ = scenario.reviews.enabled ? scenario.reviews.post_probability : 0.0;
  promoter_at_ = static_cast<float>(scenario.advocacy.promoter_at);
  detractor_below_ = static_cast<float>(scenario.advocacy.detractor_below);
  advocate_probability_ = scenario.advocacy.advocate_probability;
  advocate_days_ = scenario.word_of_mouth.advocate_days.value_or(0.0);
  model_.set_rating(public_rating_);
}

// Folds the previous step's reviews and advocates into the shared influences
// (integer sums: the same whatever thread, or process, produced them).
bool Replication::synchronise(std::uint32_t step) {
  step_ = step;
  step_start_ = step * step_days_;
  step_end_ = step + 1 == steps_ ? horizon_ : (step + 1) * step_days_;
  const bool new_window = step > 0 && step % StepCalendar::window == 0;
  // New reviews, their rating sum, new advocates, advocacy ends, processes asked to stop.
  std::uint64_t news[5] = {0, 0, 0, 0, 0};
  for (Tally& tally : tallies_) {
    if (new_window) {
      tally.waiting.open_window(step);
      tally.advocate_ends.open_window(step);
    }
    news[0] += std::exchange(tally.new_reviews, 0);
    news[1] += std::exchange(tally.new_rating_sum, 0);
    news[2] += std::exchange(tally.new_advocates, 0);
    news[3] += tally.advocate_ends.take(step);
  }
  if (settings_.partition) {
    news[4] = runtime::stop_requested() ? 1 : 0;
    settings_.partition->sum(news);
  }
  reviews_ += news[0];
  rating_sum_ += news[1];
  advocates_started_ += news[2];
  advocates_expired_ += news[3];
  if (news[4] > 0) return true;
  if (step == 0) return false;
  if (scenario_.reviews.enabled) {
    const double weight = scenario_.reviews.prior_weight;
    const double total_weight = weight + static_cast<double>(reviews_);
    if (total_weight > 0.0) {
      const double rating = (scenario_.reviews.prior_rating * weight +
                             static_cast<double>(rating_sum_) / rating_scale) / total_weight;
      if (rating != public_rating_) {
        public_rating_ = rating;
        model_.set_rating(rating);
      }
    }
  }
  return false;
}

// Day d ends at d + 1. Until the horizon that instant lies in the step whose
// start is at or before it, so the rating behaviour uses then is this step's,
// frozen at its start. The last day, which ends at the horizon, is left to
// collect(): it counts every review.
void Replication::record_day_ratings() {
  const double rating = scenario_.reviews.enabled ? public_rating_ : std::numeric_limits<double>::quiet_NaN();
  while (days_rated_ < days_ && static_cast<double>(days_rated_ + 1) < step_end_ &&
         static_cast<double>(days_rated_ + 1) < horizon_)
    day_rating_[days_rated_++] = rating;
}

// Draws how many of each segment's unaware pool become aware this step, and
// through which channel, then gives them the next ids.
void Replication::activate(std::uint32_t step) {
  step_activations_ = activations_.size();
  const double duration = step_end_ - step_start_;
  const double active_advocates =
      advocates_started_ > advocates_expired_ ? static_cast<double>(advocates_started_ - advocates_expired_) : 0.0;
  const auto& wom = scenario_.word_of_mouth;
  const double wom_hazard =
      wom.enabled ? wom.rate * active_advocates / static_cast<double>(settings_.market_size) : 0.0;

  auto add = [&](std::uint8_t segment, std::uint32_t entry_node, std::uint64_t count, double hazard) {
    if (count == 0) return;
    const std::uint64_t group =
        DrawStream::activation_group(step, segment, entry_node - model_.touchpoint_count());
    activations_.push_back({DrawStream::group_key(settings_.seed, group), next_id_, static_cast<std::uint32_t>(count),
                            segment, entry_node, hazard, -std::expm1(-hazard * duration)});
    activation_index_.add(next_id_, static_cast<std::uint32_t>(count));
    next_id_ += static_cast<std::uint32_t>(count);
    unaware_[segment] -= count;
    segment_aware_[segment] += count;
  };

  std::vector<std::pair<std::uint32_t, double>> routes;
  for (std::uint32_t segment = 0; segment < unaware_.size(); ++segment) {
    DrawStream draws(settings_.seed, segment, settings_.replication, step, StreamDomain::pool);
    const auto s = static_cast<std::uint8_t>(segment);
    if (step == 0 && scenario_.awareness.initial_share > 0.0) {
      const auto initial = static_cast<std::uint64_t>(
          std::llround(scenario_.awareness.initial_share * static_cast<double>(unaware_[segment])));
      add(s, model_.initial_entry(), std::min(initial, unaware_[segment]), 0.0);
    }
    const double multiplier = model_.segment(segment).awareness_multiplier;
    double hazard = wom_hazard;
    for (const auto& channel : scenario_.awareness.channels) hazard += channel.rate * multiplier;
    if (hazard <= 0.0 || unaware_[segment] == 0) continue;

    std::uint64_t remaining = binomial(unaware_[segment], -std::expm1(-hazard * duration), draws);
    // Competing hazards: split the newly aware among the routes in proportion
    // to their hazards; the last route takes the rest, so rounding loses no one.
    routes.clear();
    for (std::uint32_t c = 0; c < model_.channel_count(); ++c)
      if (scenario_.awareness.channels[c].rate > 0.0)
        routes.push_back({model_.channel_entry(c), scenario_.awareness.channels[c].rate * multiplier});
    if (wom_hazard > 0.0) routes.push_back({model_.word_of_mouth_entry(), wom_hazard});
    double remaining_hazard = hazard;
    for (size_t r = 0; r < routes.size() && remaining > 0; ++r) {
      const auto [entry_node, rate] = routes[r];
      const std::uint64_t count = r + 1 == routes.size() ? remaining
                                                          : binomial(remaining, rate / remaining_hazard, draws);
      add(s, entry_node, count, hazard);
      remaining -= count;
      remaining_hazard -= rate;
    }
  }
}

void Replication::advance_step(std::uint32_t step) {
  // This step's waiting customers stay in the lists the threads pushed them
  // to (nothing is pushed to the current step's list during it).
  const auto list_count = static_cast<std::uint32_t>(tallies_.size());
  if (waiting_lists_.size() != list_count) waiting_lists_ = std::vector<WaitingList>(list_count);
  std::uint32_t list = 0;
  for (Tally& tally : tallies_) {
    const std::vector<std::uint32_t>& due = tally.waiting.due(step);
    waiting_lists_[list].owner = &tally;
    waiting_lists_[list].slots = due.data();
    waiting_lists_[list].size = due.size();
    waiting_lists_[list++].claimed.store(0, std::memory_order_relaxed);
  }
  // Each thread keeps the slots it freed; they are evened out between steps,
  // so one thread's leftovers do not make another take fresh memory.
  const std::uint64_t free_total = balance_free_slots();
  const std::uint32_t first_new =
      step_activations_ == activations_.size() ? next_id_ : activations_[step_activations_].first_id;
  // The new ids this process owns: whole runs of them, block by block.
  new_runs_.clear();
  std::uint64_t fresh = 0;
  for (std::uint64_t block = first_new >> Ownership::block_bits; block << Ownership::block_bits < next_id_; ++block) {
    if (!ownership_.owns_block(block)) continue;
    const auto begin = static_cast<std::uint32_t>(std::max<std::uint64_t>(first_new, block << Ownership::block_bits));
    const auto end = static_cast<std::uint32_t>(std::min<std::uint64_t>(next_id_, (block + 1) << Ownership::block_bits));
    if (begin >= end) continue;
    if (!new_runs_.empty() && new_runs_.back().first_id + new_runs_.back().count == begin)
      new_runs_.back().count += end - begin;  // one process: a single run
    else
      new_runs_.push_back({begin, end - begin, fresh});
    fresh += end - begin;
  }
  // Slots for the new customers: a thread's own free ones, then fresh ones.
  // The memory guard counts the free ones as used first; the store has room
  // for every new customer in a fresh slot, and for a partly used block of
  // fresh slots per thread.
  const auto threads = static_cast<std::uint64_t>(oneapi::tbb::this_task_arena::max_concurrency());
  if (fresh > 0)
    reserve_slots(high_water_ + (fresh > free_total ? fresh - free_total : 0),
                  high_water_ + fresh + fresh_block * threads);
  fresh_claimed_.store(high_water_, std::memory_order_relaxed);
  new_claimed_.store(0, std::memory_order_relaxed);

  // Each thread takes chunks of its own list first: the customers it
  // advanced last step, whose state is likely still in its cache, where
  // another thread's would have to fetch it from this one's. Then the new
  // customers, then what is left of the other lists. Whoever advances a
  // customer, the results are the same.
  runtime::parallel_for(oneapi::tbb::blocked_range<std::uint64_t>(0, threads, 1),
                        [&](const oneapi::tbb::blocked_range<std::uint64_t>& workers) {
                          for (std::uint64_t worker = workers.begin(); worker != workers.end(); ++worker) {
                            Tally& tally = tallies_.local();  // made now if this thread had none: no list
                            for (WaitingList& own : waiting_lists_)
                              if (own.owner == &tally) advance_list(own, tally);
                            for (std::uint64_t begin; (begin = new_claimed_.fetch_add(chunk)) < fresh;)
                              start_new(begin, std::min(begin + chunk, fresh), tally);
                            for (WaitingList& other : waiting_lists_)
                              if (other.owner != &tally) advance_list(other, tally);
                          }
                        });
  for (Tally& tally : tallies_)
    std::vector<std::uint32_t>().swap(tally.waiting.due(step));  // memory follows the customers waiting
  high_water_ = fresh_claimed_.load(std::memory_order_relaxed);
  // Fresh slots claimed but not used are below the high-water mark now, but
  // were never written: they may hold a customer of an earlier replication
  // (the store is reused), who must not look live to collect().
  for (Tally& tally : tallies_)
    for (; tally.fresh_next < tally.fresh_end; ++tally.fresh_next) {
      store_.hot[tally.fresh_next].flags = 0;
      tally.freed.push_back(static_cast<std::uint32_t>(tally.fresh_next));
    }
}

std::uint64_t Replication::balance_free_slots() {
  std::uint64_t total = 0;
  std::size_t threads = 0;
  for (const Tally& tally : tallies_) total += tally.freed.size(), ++threads;
  if (threads < 2) return total;
  const std::uint64_t share = total / threads;
  // Moves from the longest lists to the shortest until none is short.
  std::vector<std::uint32_t> spare;
  for (Tally& tally : tallies_)
    while (tally.freed.size() > share + 1) {
      spare.push_back(tally.freed.back());
      tally.freed.pop_back();
    }
  for (Tally& tally : tallies_)
    while (tally.freed.size() < share && !spare.empty()) {
      tally.freed.push_back(spare.back());
      spare.pop_back();
    }
  for (Tally& tally : tallies_)
    if (!spare.empty()) {
      tally.freed.push_back(spare.back());
      spare.pop_back();
    }
  return total;
}

std::uint32_t Replication::take_slot(Tally& tally) {
  if (!tally.freed.empty()) {
    const std::uint32_t slot = tally.freed.back();
    tally.freed.pop_back();
    return slot;
  }
  if (tally.fresh_next == tally.fresh_end) {
    // Relaxed: the step's end orders every use of the slots before the next step.
    tally.fresh_next = fresh_claimed_.fetch_add(fresh_block, std::memory_order_relaxed);
    tally.fresh_end = tally.fresh_next + fresh_block;
  }
  return static_cast<std::uint32_t>(tally.fresh_next++);
}

void Replication::reserve_slots(std::uint64_t slots, std::uint64_t room) {
  if (settings_.customer_memory > 0 && slots > high_water_) {
    std::uint64_t purchasers = 0;
    for (const Tally& tally : tallies_) purchasers += tally.census.delays.size();
    const std::uint64_t needed = slots * bytes_per_slot + purchasers * bytes_per_purchaser;
    if (needed > settings_.customer_memory) {
      const bool split = ownership_.ranks > 1;
      throw InputError(fmt::format(
          "this {}run needs more memory than is available: at day {:g} it would have {} customers in progress "
          "({} bytes each, with {} first-purchase delays so far: {}), but its customers may use {} of the {} "
          "available when it started ({}); to need less: a smaller --market-size, fewer --replications or "
          "--threads, {}a scenario whose customers finish their journeys sooner",
          split ? "process of the " : "", step_start_, slots, bytes_per_slot, purchasers, runtime::format_bytes(needed),
          runtime::format_bytes(settings_.customer_memory), runtime::format_bytes(settings_.memory_available),
          settings_.memory_source,
          split ? "split the market over more processes (mpirun -n, on more machines), " : ""));
    }
  }
  if (room <= store_.capacity()) return;
  // Geometric growth (at most this process's share of the market): moving
  // pages is cheap, but not once a step.
  const std::uint64_t most = std::max(room, ownership_.slots_below(settings_.market_size));
  const std::uint64_t wanted = std::min(most, std::max(room, 2 * store_.capacity()));
  if (!store_.grow(wanted) && !store_.grow(room))
    throw InputError(fmt::format(
        "this run needs room for {} customers in progress ({} bytes each) at day {:g}, but the address space "
        "has none left (ulimit -v?); to need less: a smaller --market-size or fewer --threads",
        room, CustomerStore::bytes_per_customer, step_start_));
}

void Replication::advance_list(WaitingList& list, Tally& tally) {
  for (std::uint64_t begin; (begin = list.claimed.fetch_add(chunk)) < list.size;)
    advance_waiting(list.slots + begin, std::min(chunk, list.size - begin), tally);
}

void Replication::start_new(std::uint64_t begin, std::uint64_t end, Tally& tally) {
  NewCustomerBlocks awareness(0), first_events(1);
  size_t activation = step_activations_;
  size_t run = static_cast<size_t>(std::upper_bound(new_runs_.begin(), new_runs_.end(), begin,
                                                    [](std::uint64_t offset, const NewRun& r) {
                                                      return offset < r.offset;
                                                    }) -
                                   new_runs_.begin()) -
               1;
  for (std::uint64_t position = begin; position != end; ++position) {
    while (position >= new_runs_[run].offset + new_runs_[run].count) ++run;
    const NewRun& fresh_run = new_runs_[run];
    const auto id = static_cast<std::uint32_t>(fresh_run.first_id + (position - fresh_run.offset));
    const std::uint32_t slot = take_slot(tally);
    while (id >= activations_[activation].first_id + activations_[activation].count) ++activation;
    const Activation& joined = activations_[activation];
    start_customer(id, slot, joined, awareness, tally);
    advance(slot, joined, first_events.block(joined, id - joined.first_id, settings_.replication), tally);
  }
}

void Replication::advance_waiting(const std::uint32_t* slots, std::uint64_t count, Tally& tally) {
  constexpr std::uint32_t lanes = PhiloxBatch::lanes;
  const Activation* joined[lanes];
  PhiloxLanes next;
  PhiloxBatch blocks;
  for (std::uint64_t group = 0; group < count; group += lanes) {
    const auto in_group = static_cast<std::uint32_t>(std::min<std::uint64_t>(lanes, count - group));
    // Waiting customers are scattered in memory: fetch the next group while
    // this one runs, with its awareness time (half of all advances end the
    // journey, which reads it; waiting for it was 10 % of the ecosystem's time).
    for (std::uint64_t ahead = group + lanes; ahead < std::min<std::uint64_t>(group + 2 * lanes, count); ++ahead) {
      __builtin_prefetch(&store_.hot[slots[ahead]], 1);
      __builtin_prefetch(&store_.cold[slots[ahead]], 0);
    }
    for (std::uint32_t lane = 0; lane < in_group; ++lane) {
      const HotState& customer = store_.hot[slots[group + lane]];
      const Activation& activation = activation_of(customer.id);
      joined[lane] = &activation;
      next.key0[lane] = activation.key[0];
      next.key1[lane] = activation.key[1];
      next.word0[lane] = customer.events + 1;  // the event counter of its next event
      next.word2[lane] = customer.id - activation.first_id;
    }
    philox_lanes(next, 0, settings_.replication, blocks);
    for (std::uint32_t lane = 0; lane < in_group; ++lane)
      advance(slots[group + lane], *joined[lane], blocks.block(lane), tally);
  }
}

[[gnu::always_inline]] inline void Replication::start_customer(std::uint32_t id, std::uint32_t slot,
                                                               const Activation& activation,
                                                               NewCustomerBlocks& awareness, Tally& tally) {
  double aware = step_start_;
  if (activation.hazard > 0.0) {
    // Given awareness within the step, its time is exponential truncated to the step.
    const std::uint32_t position = id - activation.first_id;
    DrawStream draws(activation.key, position, settings_.replication, 0,
                     awareness.block(activation, position, settings_.replication));
    aware += draws.truncated_exponential(activation.hazard, step_end_ - step_start_, activation.aware_within_step,
                                         Slot::aware_time, Slot::aware_accept);
  }
  const bool traced = traced_id(id);
  store_.hot[slot] = HotState{aware,
                              0.0f,
                              -1.0f,  // not an advocate
                              0,
                              0,
                              id,
                              static_cast<std::uint16_t>(activation.entry_node),
                              activation.segment,
                              static_cast<std::uint8_t>(CustomerFlag::live | (traced ? CustomerFlag::traced : 0))};
  store_.cold[slot] = ColdState{aware};
  ++tally.day_aware[std::size_t{activation.entry_node - touchpoints_} * days_ + day_of(aware)];
  if (traced) [[unlikely]] trace(tally, slot, 0, TraceEvent::aware, aware, activation.entry_node);
}

double Replication::dwell(const NodeTable& node, DrawStream& draws) const {
  switch (node.dwell_kind) {
    case DwellKind::fixed: return node.dwell_a;
    case DwellKind::exponential: return draws.exponential(node.dwell_a, Slot::dwell);
    case DwellKind::lognormal:
      return std::exp(node.dwell_a + node.dwell_b * draws.normal(Slot::dwell));
  }
  return 0.0;
}

const Replication::Activation& Replication::activation_of(std::uint32_t id) const {
  return activations_[activation_index_.find(id)];
}

// Walks a customer through every event before the step end.
[[gnu::always_inline]] inline void Replication::advance(std::uint32_t slot, const Activation& activation,
                                                        const Block& next_block, Tally& tally) {
  if (store_.hot[slot].flags & CustomerFlag::traced) [[unlikely]] walk<true>(slot, activation, next_block, tally);
  else walk<false>(slot, activation, next_block, tally);
}

// What is counted here is final: a customer's purchaser and advocate flags
// and satisfaction change only on its own events, and it has no more.
[[gnu::always_inline]] inline void Replication::end_journey(std::uint32_t slot, Tally& tally) const {
  HotState& customer = store_.hot[slot];
  tally.census.count(customer, promoter_at_, detractor_below_);
  customer.flags = 0;
  tally.freed.push_back(slot);
}

// The loop keeps in registers what does not change within it (the segment's
// choice rows, the node table, the counters, the step end): read through
// members, each would be reloaded on every event, because the samplers' slow
// paths are calls the compiler cannot see into.
template <bool Traced>
void Replication::walk(std::uint32_t slot, const Activation& activation, const Block& next_block, Tally& tally) {
  HotState& customer = store_.hot[slot];
  const std::uint32_t position = customer.id - activation.first_id;
  const std::uint32_t segment = customer.segment;
  const SegmentChoices choices = model_.choices(segment);
  const NodeTable* const nodes = model_.nodes();
  std::uint64_t* const flows = tally.flows.data();
  const double step_end = step_end_;
  const std::uint32_t replication = settings_.replication;
  const std::uint32_t event_cap = settings_.max_events_per_customer;
  double time = customer.leave_time;
  std::uint32_t node = customer.node;
  std::uint32_t events = customer.events;
  const std::uint32_t events_before = events;

  while (time < step_end) {
    if (events >= event_cap) [[unlikely]] {
      ++tally.truncated;
      tally.events += events - events_before;
      customer.events = events;
      if constexpr (Traced) trace(tally, slot, events, TraceEvent::truncated, time, node);
      end_journey(slot, tally);
      return;
    }
    ++events;
    // The first event's block was made with others' (advance_waiting,
    // start_new); later ones are made as they are read.
    DrawStream draws = events == events_before + 1
                           ? DrawStream(activation.key, position, replication, events, next_block)
                           : DrawStream(activation.key, position, replication, events);
    const Outcome next = choices.choose(node, draws.bits(Slot::choice));
    if (next.node == dropoff_node) {
      if (node < touchpoints_) ++tally.dropoffs[node];
      else ++tally.entry_dropoffs[node - touchpoints_];
      tally.events += events - events_before;
      customer.events = events;
      const double journey = time - store_.cold[slot].aware_time;
      const std::uint64_t fixed = round_non_negative(journey * days_scale);
      ++tally.finished;
      ++tally.journey_count;
      tally.journey_sum += fixed;
      tally.journey_sum_sq += static_cast<uint128>(fixed) * fixed;
      if constexpr (Traced) trace(tally, slot, events, TraceEvent::drop_off, time, node);
      end_journey(slot, tally);
      return;
    }
    ++flows[next.flow];  // and so the visit (collect.cpp)
    node = next.node;
    const NodeTable& table = nodes[node];
    // Most visits by customers who have not bought are nothing but the visit.
    if (Traced || !table.plain || (customer.flags & CustomerFlag::purchaser))
      enter<Traced>(slot, node, table, segment, time, events, draws, tally);
    time += dwell(table, draws);
  }

  tally.events += events - events_before;
  customer.leave_time = time;
  customer.node = static_cast<std::uint16_t>(node);
  customer.events = events;
  if (time < horizon_) {
    auto bucket = static_cast<std::uint32_t>(std::min(time / step_days_, double(steps_ - 1)));
    bucket = std::clamp(bucket, step_ + 1, steps_ - 1);
    tally.waiting.push(bucket, slot);
  }
}

template <bool Traced>
void Replication::enter(std::uint32_t slot, std::uint32_t node, const NodeTable& table, std::uint32_t segment,
                        double time, [[maybe_unused]] std::uint32_t event_number, DrawStream& draws, Tally& tally) {
  const std::size_t cell = std::size_t{segment} * touchpoints_ + node;
  // The visit itself is counted with its flow (walk). After the first
  // purchase a visit is retention spending; the visit that makes the first
  // purchase is still acquisition.
  if (store_.hot[slot].flags & CustomerFlag::purchaser) ++tally.visits_after_purchase[cell];
  [[maybe_unused]] double drawn = std::numeric_limits<double>::quiet_NaN();  // the experience, for a trace
  if (table.rated) {
    double experience = table.experience_mean;
    if (table.experience_sd > 0.0) experience += table.experience_sd * draws.normal(Slot::experience);
    experience = std::clamp(experience + model_.segment(segment).experience_shift, 0.0, 1.0);
    const std::uint32_t rated = ++store_.hot[slot].rated;
    float& satisfaction = store_.hot[slot].satisfaction;
    satisfaction += static_cast<float>((experience - satisfaction) * reciprocal(rated));
    drawn = experience;
  }
  if constexpr (Traced) {
    const TraceEvent event =
        table.purchase ? TraceEvent::purchase : table.refund ? TraceEvent::refund : TraceEvent::enter;
    trace(tally, slot, event_number, event, time, node, drawn);
  }
  if (table.refund) ++tally.refunds[cell];
  if (!table.purchase) return;

  const std::uint32_t day = day_of(time);
  ++tally.purchases[cell];
  ++tally.day_purchases[day];
  std::uint8_t& flags = store_.hot[slot].flags;
  if (!(flags & CustomerFlag::purchaser)) {
    flags |= CustomerFlag::purchaser;
    tally.census.first_purchase(static_cast<float>(time - store_.cold[slot].aware_time));
    ++tally.day_new_purchasers[day];
  }
  if (store_.hot[slot].rated == 0) return;  // no opinion: neither a review nor advocacy
  const float satisfaction = store_.hot[slot].satisfaction;

  if (post_probability_ > 0.0 && draws.bernoulli(post_probability_, Slot::review)) {
    const std::uint64_t fixed = round_non_negative(satisfaction * rating_scale);
    ++tally.new_reviews;
    tally.new_rating_sum += fixed;
    ++tally.day_reviews[day];
    tally.day_rating_sum[day] += fixed;
    if constexpr (Traced) trace(tally, slot, event_number, TraceEvent::review, time, node);
  }

  float& advocate_until = store_.hot[slot].advocate_until;
  if (advocate_probability_ > 0.0 && satisfaction >= promoter_at_ && !(advocate_until > time) &&
      draws.bernoulli(advocate_probability_, Slot::advocacy)) {
    flags |= CustomerFlag::advocate_ever;
    // The stored (float) end is the one binned, so both always agree.
    advocate_until = advocate_days_ > 0.0
                         ? static_cast<float>(time + draws.exponential(advocate_days_, Slot::advocate_days))
                         : std::numeric_limits<float>::infinity();
    record_advocate(advocate_until, day, tally);
    if constexpr (Traced) trace(tally, slot, event_number, TraceEvent::advocate, time, node);
  }
}

// Bins an advocacy period that starts now: it counts from the next step on,
// and its end at the first step boundary and day end at or after it.
// Clamping keeps every end binned after its start, so the active count
// never goes negative; an end beyond the horizon is never binned.
void Replication::record_advocate(double until, std::uint32_t day, Tally& tally) const {
  ++tally.new_advocates;
  ++tally.day_advocates_started[day];
  if (!(until <= horizon_)) return;
  const double expiry_step = std::max(std::ceil(until / step_days_), static_cast<double>(step_ + 1));
  if (expiry_step < steps_) tally.advocate_ends.add(static_cast<std::uint32_t>(expiry_step));
  const double expiry_day = std::clamp(std::ceil(until) - 1.0, static_cast<double>(day), days_ - 1.0);
  ++tally.day_advocates_expired[static_cast<std::uint32_t>(expiry_day)];
}

}  // namespace journeysim::engine
