// Turns a finished replication's tallies and customer states into a RunResult.
#include <algorithm>
#include <cmath>
#include <limits>

#include <bit>
#include <cstring>
#include <span>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>

#include "engine/replication.hpp"

namespace journeysim::engine {

namespace {

// What the horizon finds among a process's customers. Everything is an
// integer, the floating sums in fixed point (census_scale), so parts merge
// in any order: the same bits for any number of threads or processes.
struct CustomerCensus {
  explicit CustomerCensus(std::uint32_t segment_count) : segments(segment_count), satisfaction_sums(segment_count) {}

  void count(const CustomerStore& store, std::uint32_t first_slot, std::uint32_t end_slot, const Advocacy& advocacy) {
    // Satisfaction is stored as float, so the thresholds are compared as floats:
    // a customer whose experiences were all 0.9 is a promoter at promoter_at 0.9.
    const auto promoter_at = static_cast<float>(advocacy.promoter_at);
    const auto detractor_below = static_cast<float>(advocacy.detractor_below);
    for (std::uint32_t slot = first_slot; slot != end_slot; ++slot) {
      const HotState& customer = store.hot[slot];
      if (!(customer.flags & (CustomerFlag::finished | CustomerFlag::truncated))) ++in_progress;
      if (!(customer.flags & CustomerFlag::purchaser)) continue;
      SegmentTally& segment = segments[customer.segment];
      ++segment.purchasers;
      if (customer.flags & CustomerFlag::advocate_ever) ++segment.advocates;
      const float delay = store.cold[slot].first_purchase_delay;
      delays.push_back(delay);
      delay_sum += to_census_fixed(delay);
      if (customer.rated == 0) continue;  // passive, and left out of mean satisfaction
      satisfaction_sums[customer.segment] += to_census_fixed(customer.satisfaction);
      ++segment.satisfaction_count;
      if (customer.satisfaction >= promoter_at) ++segment.promoters;
      else if (customer.satisfaction < detractor_below) ++segment.detractors;
    }
  }

  // The counts as one array, to be summed over processes.
  std::vector<std::uint64_t> counts() const {
    std::vector<std::uint64_t> packed{in_progress};
    for (const SegmentTally& s : segments)
      packed.insert(packed.end(), {s.purchasers, s.advocates, s.promoters, s.detractors, s.satisfaction_count});
    return packed;
  }
  void set_counts(const std::vector<std::uint64_t>& packed) {
    in_progress = packed[0];
    for (size_t s = 0; s < segments.size(); ++s) {
      const std::uint64_t* value = packed.data() + 1 + 5 * s;
      segments[s].purchasers = value[0];
      segments[s].advocates = value[1];
      segments[s].promoters = value[2];
      segments[s].detractors = value[3];
      segments[s].satisfaction_count = value[4];
    }
  }
  // The fixed-point sums as one array (satisfaction by segment, then delays).
  std::vector<uint128> sums() const {
    std::vector<uint128> packed(satisfaction_sums);
    packed.push_back(delay_sum);
    return packed;
  }
  void set_sums(const std::vector<uint128>& packed) {
    std::copy(packed.begin(), packed.end() - 1, satisfaction_sums.begin());
    delay_sum = packed.back();
  }

  void merge(const CustomerCensus& other) {
    in_progress += other.in_progress;
    for (size_t s = 0; s < segments.size(); ++s) {
      segments[s].purchasers += other.segments[s].purchasers;
      segments[s].advocates += other.segments[s].advocates;
      segments[s].promoters += other.segments[s].promoters;
      segments[s].detractors += other.segments[s].detractors;
      segments[s].satisfaction_count += other.segments[s].satisfaction_count;
      satisfaction_sums[s] += other.satisfaction_sums[s];
    }
    delay_sum += other.delay_sum;
    delays.insert(delays.end(), other.delays.begin(), other.delays.end());
  }

  std::uint64_t in_progress = 0;
  std::vector<SegmentTally> segments;  // counts only: the sums are the fixed-point ones below
  std::vector<uint128> satisfaction_sums;  // × census_scale, by segment
  uint128 delay_sum = 0;                   // first-purchase delays × census_scale
  std::vector<float> delays;           // first-purchase delays of purchasers, in no particular order
};

// Adds every process's 128-bit sums into each: a gather of their bytes (a
// 64-bit sum over processes would lose the carries).
void add_over_processes(std::span<uint128> values, MarketPartition& partition) {
  std::vector<uint128> mine(values.begin(), values.end());
  std::fill(values.begin(), values.end(), 0);
  std::vector<uint128> theirs(values.size());
  for (const auto& bytes : partition.gather(std::as_bytes(std::span(mine)))) {
    std::memcpy(theirs.data(), bytes.data(), theirs.size() * sizeof(uint128));
    for (size_t i = 0; i < values.size(); ++i) values[i] += theirs[i];
  }
}

void add_into(Counters& total, const Counters& part) {
  for (size_t i = 0; i < part.size(); ++i) total[i] += part[i];
}

// Every counter of a tally but the 128-bit sums, in one array and back, for
// one sum over processes.
template <typename Visit>
void for_each_counter(Tally& tally, Visit&& visit) {
  for (std::uint64_t* value : {&tally.events, &tally.finished, &tally.truncated, &tally.journey_count}) visit(*value);
  for (Counters* counters :
       {&tally.visits, &tally.purchases, &tally.refunds, &tally.visits_after_purchase, &tally.dropoffs,
        &tally.entry_dropoffs, &tally.flows, &tally.day_aware, &tally.day_purchases, &tally.day_new_purchasers,
        &tally.day_reviews, &tally.day_rating_sum, &tally.day_advocates_started, &tally.day_advocates_expired})
    for (std::uint64_t& value : *counters) visit(value);
}

void sum_tally_over_processes(Tally& total, MarketPartition& partition) {
  std::vector<std::uint64_t> packed;
  for_each_counter(total, [&](std::uint64_t& value) { packed.push_back(value); });
  partition.sum(packed);
  size_t next = 0;
  for_each_counter(total, [&](std::uint64_t& value) { value = packed[next++]; });
  uint128 sums[2] = {total.journey_sum, total.journey_sum_sq};
  add_over_processes(sums, partition);
  total.journey_sum = sums[0];
  total.journey_sum_sq = sums[1];
}

// Floats as unsigned keys in the same order.
std::uint32_t order_key(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  return bits & 0x80000000u ? ~bits : bits | 0x80000000u;
}
float from_order_key(std::uint32_t key) {
  return std::bit_cast<float>(key & 0x80000000u ? key & 0x7fffffffu : ~key);
}

// The k-th smallest (from 0) of every process's values, without moving them:
// four passes of a 256-bin histogram over the keys' bytes, high to low, summed
// over processes (2 KiB each). Exact, as nth_element is.
float order_statistic(const std::vector<float>& values, std::uint64_t k, MarketPartition& partition) {
  std::uint32_t prefix = 0, known = 0;
  std::vector<std::uint64_t> counts(256);
  for (const int shift : {24, 16, 8, 0}) {
    std::fill(counts.begin(), counts.end(), 0);
    for (const float value : values) {
      const std::uint32_t key = order_key(value);
      if ((key & known) == prefix) ++counts[(key >> shift) & 0xffu];
    }
    partition.sum(counts);
    std::uint32_t bin = 0;
    while (k >= counts[bin]) k -= counts[bin++];
    prefix |= bin << shift;
    known |= 0xffu << shift;
  }
  return from_order_key(prefix);
}

// Linear interpolation between order statistics (R's type 7), over `count`
// values in all.
double quantile(std::vector<float>& values, std::uint64_t count, double level, MarketPartition* partition) {
  if (count == 0) return 0.0;
  const double position = level * static_cast<double>(count - 1);
  const auto below = static_cast<std::uint64_t>(std::floor(position));
  if (partition) {
    const double low = order_statistic(values, below, *partition);
    if (below + 1 >= count) return low;
    const double high = order_statistic(values, below + 1, *partition);
    return low + (position - static_cast<double>(below)) * (high - low);
  }
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(below), values.end());
  const double low = values[below];
  if (below + 1 >= values.size()) return low;
  const double high = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(below) + 1, values.end());
  return low + (position - static_cast<double>(below)) * (high - low);
}

}  // namespace

RunResult Replication::collect() const {
  Tally total(shape_);
  for (const Tally& tally : tallies_) {
    total.events += tally.events;
    total.finished += tally.finished;
    total.truncated += tally.truncated;
    total.journey_count += tally.journey_count;
    total.journey_sum += tally.journey_sum;
    total.journey_sum_sq += tally.journey_sum_sq;
    add_into(total.visits, tally.visits);
    add_into(total.purchases, tally.purchases);
    add_into(total.refunds, tally.refunds);
    add_into(total.visits_after_purchase, tally.visits_after_purchase);
    add_into(total.dropoffs, tally.dropoffs);
    add_into(total.entry_dropoffs, tally.entry_dropoffs);
    add_into(total.flows, tally.flows);
    add_into(total.day_aware, tally.day_aware);
    add_into(total.day_purchases, tally.day_purchases);
    add_into(total.day_new_purchasers, tally.day_new_purchasers);
    add_into(total.day_reviews, tally.day_reviews);
    add_into(total.day_rating_sum, tally.day_rating_sum);
    add_into(total.day_advocates_started, tally.day_advocates_started);
    add_into(total.day_advocates_expired, tally.day_advocates_expired);
  }
  if (settings_.partition) sum_tally_over_processes(total, *settings_.partition);

  RunResult result;
  result.replication = settings_.replication;
  result.events = total.events;
  result.finished = total.finished;
  result.truncated = total.truncated;
  result.aware = next_id_;
  constexpr double undefined = std::numeric_limits<double>::quiet_NaN();
  result.journey_days_mean = result.journey_days_variance = undefined;  // no finished journey
  if (total.journey_count > 0) {
    const double n = static_cast<double>(total.journey_count);
    const double mean = static_cast<double>(total.journey_sum) / days_scale / n;
    const double mean_sq = static_cast<double>(total.journey_sum_sq) / (days_scale * days_scale) / n;
    result.journey_days_mean = mean;
    result.journey_days_variance = n > 1 ? std::max(0.0, (mean_sq - mean * mean) * n / (n - 1)) : 0.0;
  }

  // Per touchpoint and segment: money follows from exact counts.
  const std::uint32_t segments = shape_.segments;
  result.touchpoint_visits.assign(touchpoints_, 0);
  result.touchpoint_purchases.assign(touchpoints_, 0);
  result.touchpoint_refunds.assign(touchpoints_, 0);
  result.touchpoint_visits_after_purchase.assign(touchpoints_, 0);
  result.touchpoint_dropoffs.assign(total.dropoffs.begin(), total.dropoffs.end());
  result.flow_traversals.assign(total.flows.begin(), total.flows.end());
  result.entry_dropoffs.assign(total.entry_dropoffs.begin(), total.entry_dropoffs.end());
  result.segments.assign(segments, {});
  for (std::uint32_t s = 0; s < segments; ++s) {
    SegmentTally& segment = result.segments[s];
    segment.aware = segment_aware_[s];
    for (std::uint32_t t = 0; t < touchpoints_; ++t) {
      const std::size_t cell = std::size_t{s} * touchpoints_ + t;
      const std::uint64_t visits = total.visits[cell];
      const std::uint64_t after = total.visits_after_purchase[cell];
      const std::uint64_t purchases = total.purchases[cell];
      const std::uint64_t refunds = total.refunds[cell];
      const Touchpoint& touchpoint = scenario_.touchpoints[t];
      result.touchpoint_visits[t] += visits;
      result.touchpoint_purchases[t] += purchases;
      result.touchpoint_refunds[t] += refunds;
      result.touchpoint_visits_after_purchase[t] += after;
      segment.purchases += purchases;
      segment.cost += static_cast<double>(visits) * touchpoint.cost;
      segment.cost_acquisition += static_cast<double>(visits - after) * touchpoint.cost;
      segment.cost_retention += static_cast<double>(after) * touchpoint.cost;
      segment.revenue += static_cast<double>(purchases) * touchpoint.purchase_revenue.value_or(0.0);
      segment.refunds += static_cast<double>(refunds) * touchpoint.refund_amount.value_or(0.0);
    }
  }

  // Customer states at the horizon (see CustomerCensus).
  const auto slots = static_cast<std::uint32_t>(ownership_.slots_below(next_id_));
  oneapi::tbb::enumerable_thread_specific<CustomerCensus> censuses([&] { return CustomerCensus(segments); });
  oneapi::tbb::parallel_for(oneapi::tbb::blocked_range<std::uint32_t>(0, slots, 16384),
                            [&](const oneapi::tbb::blocked_range<std::uint32_t>& range) {
                              censuses.local().count(store_, range.begin(), range.end(), scenario_.advocacy);
                            });
  CustomerCensus census(segments);
  for (const CustomerCensus& part : censuses) census.merge(part);
  if (settings_.partition) {
    std::vector<std::uint64_t> counts = census.counts();
    settings_.partition->sum(counts);
    census.set_counts(counts);
    std::vector<uint128> sums = census.sums();
    add_over_processes(sums, *settings_.partition);
    census.set_sums(sums);
  }
  result.in_progress = census.in_progress;
  for (std::uint32_t s = 0; s < segments; ++s) {
    SegmentTally& segment = result.segments[s];
    segment.purchasers = census.segments[s].purchasers;
    segment.advocates = census.segments[s].advocates;
    segment.promoters = census.segments[s].promoters;
    segment.detractors = census.segments[s].detractors;
    segment.satisfaction_count = census.segments[s].satisfaction_count;
    segment.satisfaction_sum = from_census_fixed(census.satisfaction_sums[s]);
  }
  std::vector<float> delays = std::move(census.delays);
  std::uint64_t delay_count = 0;
  for (const SegmentTally& segment : result.segments) delay_count += segment.purchasers;
  for (const SegmentTally& segment : result.segments) {
    result.purchasers += segment.purchasers;
    result.purchases += segment.purchases;
    result.advocates += segment.advocates;
    result.promoters += segment.promoters;
    result.detractors += segment.detractors;
    result.revenue += segment.revenue;
    result.refunds += segment.refunds;
    result.cost += segment.cost;
    result.cost_acquisition += segment.cost_acquisition;
    result.cost_retention += segment.cost_retention;
    result.satisfaction_count += segment.satisfaction_count;
  }
  uint128 satisfaction_total = 0;  // summed exactly, rounded once
  for (const uint128 sum : census.satisfaction_sums) satisfaction_total += sum;
  result.satisfaction_sum = from_census_fixed(satisfaction_total);
  result.passives = result.purchasers - result.promoters - result.detractors;

  // Run-off: the money purchasers bring after the horizon, from exact counts.
  if (settings_.run_off) {
    // Purchases and refunds per cell, then the truncated count, summed over threads and processes.
    const std::size_t cells = std::size_t{segments} * touchpoints_;
    std::vector<std::uint64_t> run_off(2 * cells + 1, 0);
    for (const RunOffTally& tally : run_off_tallies_) {
      for (std::size_t cell = 0; cell < cells; ++cell) {
        run_off[cell] += tally.purchases[cell];
        run_off[cells + cell] += tally.refunds[cell];
      }
      run_off[2 * cells] += tally.truncated;
    }
    sum_over_processes(run_off);
    result.run_off_truncated = run_off[2 * cells];
    double after_horizon = 0.0;
    for (std::uint32_t s = 0; s < segments; ++s) {
      for (std::uint32_t t = 0; t < touchpoints_; ++t) {
        const std::size_t cell = std::size_t{s} * touchpoints_ + t;
        const std::uint64_t purchases = run_off[cell], refunds = run_off[cells + cell];
        const Touchpoint& touchpoint = scenario_.touchpoints[t];
        after_horizon += static_cast<double>(purchases) * touchpoint.purchase_revenue.value_or(0.0) -
                         static_cast<double>(refunds) * touchpoint.refund_amount.value_or(0.0);
      }
    }
    result.lifetime_net_revenue = result.revenue - result.refunds + after_horizon;
  }
  result.first_purchase_days_mean = result.first_purchase_days_p50 = result.first_purchase_days_p90 = undefined;
  if (delay_count > 0) {
    result.first_purchase_days_mean = from_census_fixed(census.delay_sum) / static_cast<double>(delay_count);
    result.first_purchase_days_p50 = quantile(delays, delay_count, 0.5, settings_.partition);
    result.first_purchase_days_p90 = quantile(delays, delay_count, 0.9, settings_.partition);
  }

  // Daily series.
  DailySeries& series = result.series;
  const std::uint32_t days = days_;
  auto entry_series = [&](std::uint32_t entry) {
    const auto first = total.day_aware.begin() + static_cast<std::ptrdiff_t>(std::size_t{entry} * days);
    return std::vector<std::uint64_t>(first, first + days);
  };
  series.newly_aware_initial = entry_series(model_.initial_entry() - touchpoints_);
  for (std::uint32_t c = 0; c < model_.channel_count(); ++c)
    series.newly_aware_by_channel.push_back(entry_series(model_.channel_entry(c) - touchpoints_));
  series.newly_aware_word_of_mouth = entry_series(model_.word_of_mouth_entry() - touchpoints_);
  series.purchases.assign(total.day_purchases.begin(), total.day_purchases.end());
  series.new_purchasers.assign(total.day_new_purchasers.begin(), total.day_new_purchasers.end());
  std::uint64_t purchasers = 0, reviews = 0, rating_sum = 0, advocates = 0;
  const auto& prior = scenario_.reviews;
  // The last day ends at the horizon: every review posted by then counts.
  // Earlier days have the rating their step used (record_day_ratings).
  const auto rating_after_all_reviews = [&](std::uint64_t count, std::uint64_t sum) {
    if (!prior.enabled) return undefined;  // no reviews section: no public rating
    const double weight = prior.prior_weight + static_cast<double>(count);
    return weight > 0.0 ? (prior.prior_rating * prior.prior_weight + static_cast<double>(sum) / rating_scale) / weight
                        : prior.prior_rating;
  };
  for (std::uint32_t d = 0; d < days; ++d) {
    purchasers += total.day_new_purchasers[d];
    series.purchasers_cumulative.push_back(purchasers);
    advocates += total.day_advocates_started[d];
    advocates -= total.day_advocates_expired[d];
    series.active_advocates.push_back(advocates);
    reviews += total.day_reviews[d];
    rating_sum += total.day_rating_sum[d];
    series.public_rating.push_back(d + 1 < days ? day_rating_[d] : rating_after_all_reviews(reviews, rating_sum));
  }
  result.reviews = reviews;
  result.final_active_advocates = advocates;
  result.final_public_rating = rating_after_all_reviews(reviews, rating_sum);
  return result;
}

}  // namespace journeysim::engine
