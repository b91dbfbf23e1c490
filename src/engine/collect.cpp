// Turns a finished replication's tallies and customer states into a RunResult.
#include <algorithm>
#include <cmath>
#include <limits>

#include <bit>
#include <cstring>
#include <span>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/enumerable_thread_specific.h>

#include "engine/replication.hpp"
#include "runtime/parallel_for.hpp"

namespace journeysim::engine {

namespace {

// The census's counts and sums, each as one array, to be summed over processes.
std::vector<std::uint64_t> census_counts(const CensusTally& census) {
  std::vector<std::uint64_t> packed{census.in_progress};
  for (const CensusTally::Segment& s : census.segments)
    packed.insert(packed.end(), {s.purchasers, s.advocates, s.promoters, s.detractors, s.satisfaction_count});
  return packed;
}
void set_census_counts(CensusTally& census, const std::vector<std::uint64_t>& packed) {
  census.in_progress = packed[0];
  for (size_t s = 0; s < census.segments.size(); ++s) {
    const std::uint64_t* value = packed.data() + 1 + 5 * s;
    census.segments[s] = {value[0], value[1], value[2], value[3], value[4]};
  }
}

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
       {&tally.purchases, &tally.refunds, &tally.visits_after_purchase, &tally.dropoffs,
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

// Where the first-purchase delays are: one vector per thread, left in place
// (a merged copy would double their memory at the horizon, 4 bytes per purchaser).
using Delays = std::vector<std::span<const float>>;

// The ranks[i]-th smallest (from 0) of every thread's and process's values,
// without moving them: four passes of a 256-bin histogram over the keys'
// bytes, high to low, summed over processes (2 KiB per rank). Exact, as
// nth_element is. Ranks whose keys agree so far share a histogram, so the
// quartets of a median and a 90th percentile (two neighbouring ranks each)
// read the values four times, not sixteen (this was 3.6 % of a 4 M-customer
// run's time), and each pass is split over the threads.
std::vector<float> order_statistics(const Delays& parts, std::span<const std::uint64_t> ranks,
                                    MarketPartition* partition) {
  const std::size_t n = ranks.size();
  std::vector<std::uint64_t> remaining(ranks.begin(), ranks.end());
  std::vector<std::uint32_t> prefix(n, 0);
  std::vector<std::size_t> group(n);  // the histogram of each rank: the first rank with its prefix
  std::vector<std::uint64_t> counts(256 * n);
  std::uint32_t known = 0;
  for (const int shift : {24, 16, 8, 0}) {
    std::vector<std::size_t> groups;
    for (std::size_t r = 0; r < n; ++r) {
      std::size_t g = 0;
      while (g < groups.size() && prefix[groups[g]] != prefix[r]) ++g;
      if (g == groups.size()) groups.push_back(r);
      group[r] = groups[g];
    }
    // Each thread counts into its own histogram; integer sums, so the same in any order.
    oneapi::tbb::enumerable_thread_specific<std::vector<std::uint64_t>> local_counts(
        [&] { return std::vector<std::uint64_t>(256 * n, 0); });
    for (const std::span<const float> values : parts)
      runtime::parallel_for(oneapi::tbb::blocked_range<std::size_t>(0, values.size(), 65536),
                            [&](const oneapi::tbb::blocked_range<std::size_t>& range) {
                              std::vector<std::uint64_t>& mine = local_counts.local();
                              for (std::size_t i = range.begin(); i != range.end(); ++i) {
                                const std::uint32_t key = order_key(values[i]);
                                for (const std::size_t g : groups)
                                  if ((key & known) == prefix[g]) ++mine[256 * g + ((key >> shift) & 0xffu)];
                              }
                            });
    std::fill(counts.begin(), counts.end(), 0);
    for (const std::vector<std::uint64_t>& part : local_counts)
      for (std::size_t i = 0; i < counts.size(); ++i) counts[i] += part[i];
    if (partition) partition->sum(counts);
    for (std::size_t r = 0; r < n; ++r) {
      const std::uint64_t* histogram = counts.data() + 256 * group[r];
      std::uint32_t bin = 0;
      while (remaining[r] >= histogram[bin]) remaining[r] -= histogram[bin++];
      prefix[r] |= bin << shift;
    }
    known |= 0xffu << shift;
  }
  std::vector<float> statistics;
  for (const std::uint32_t key : prefix) statistics.push_back(from_order_key(key));
  return statistics;
}

// Linear interpolation between order statistics (R's type 7), over `count`
// values in all, at each level.
std::vector<double> quantiles(const Delays& values, std::uint64_t count, std::span<const double> levels,
                              MarketPartition* partition) {
  std::vector<std::uint64_t> ranks;
  for (const double level : levels) {
    const auto below = static_cast<std::uint64_t>(std::floor(level * static_cast<double>(count - 1)));
    ranks.push_back(below);
    ranks.push_back(std::min(below + 1, count - 1));
  }
  const std::vector<float> statistics = order_statistics(values, ranks, partition);
  std::vector<double> result;
  for (std::size_t l = 0; l < levels.size(); ++l) {
    const double position = levels[l] * static_cast<double>(count - 1);
    const double low = statistics[2 * l];
    const double high = statistics[2 * l + 1];
    result.push_back(low + (position - std::floor(position)) * (high - low));
  }
  return result;
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
  // Flows are counted by segment; a visit is the end of a flow.
  const std::uint32_t flow_count = shape_.flows;
  const std::vector<std::uint32_t>& flow_targets = model_.flow_targets();
  result.flow_traversals.assign(flow_count, 0);
  std::vector<std::uint64_t> visits(std::size_t{shape_.segments} * touchpoints_, 0);
  for (std::uint32_t s = 0; s < shape_.segments; ++s)
    for (std::uint32_t f = 0; f < flow_count; ++f) {
      const std::uint64_t traversals = total.flows[std::size_t{s} * flow_count + f];
      result.flow_traversals[f] += traversals;
      visits[std::size_t{s} * touchpoints_ + flow_targets[f]] += traversals;
    }
  result.entry_dropoffs.assign(total.entry_dropoffs.begin(), total.entry_dropoffs.end());
  result.segments.assign(segments, {});
  for (std::uint32_t s = 0; s < segments; ++s) {
    SegmentTally& segment = result.segments[s];
    segment.aware = segment_aware_[s];
    for (std::uint32_t t = 0; t < touchpoints_; ++t) {
      const std::size_t cell = std::size_t{s} * touchpoints_ + t;
      const std::uint64_t cell_visits = visits[cell];
      const std::uint64_t after = total.visits_after_purchase[cell];
      const std::uint64_t purchases = total.purchases[cell];
      const std::uint64_t refunds = total.refunds[cell];
      const Touchpoint& touchpoint = scenario_.touchpoints[t];
      result.touchpoint_visits[t] += cell_visits;
      result.touchpoint_purchases[t] += purchases;
      result.touchpoint_refunds[t] += refunds;
      result.touchpoint_visits_after_purchase[t] += after;
      segment.purchases += purchases;
      segment.cost += static_cast<double>(cell_visits) * touchpoint.cost;
      segment.cost_acquisition += static_cast<double>(cell_visits - after) * touchpoint.cost;
      segment.cost_retention += static_cast<double>(after) * touchpoint.cost;
      segment.revenue += static_cast<double>(purchases) * touchpoint.purchase_revenue.value_or(0.0);
      segment.refunds += static_cast<double>(refunds) * touchpoint.refund_amount.value_or(0.0);
    }
  }

  // Customers whose journeys ended were counted then (CensusTally); those
  // still travelling, in the live slots, are counted now.
  oneapi::tbb::enumerable_thread_specific<CensusTally> censuses([&] { return CensusTally(segments); });
  runtime::parallel_for(oneapi::tbb::blocked_range<std::uint64_t>(0, high_water_, 16384),
                            [&](const oneapi::tbb::blocked_range<std::uint64_t>& range) {
                              CensusTally& census = censuses.local();
                              for (std::uint64_t slot = range.begin(); slot != range.end(); ++slot) {
                                const HotState& customer = store_.hot[slot];
                                if (!(customer.flags & CustomerFlag::live)) continue;
                                ++census.in_progress;
                                census.count(customer, promoter_at_, detractor_below_);
                              }
                            });
  CensusTally census(segments);
  for (const Tally& tally : tallies_) census.merge(tally.census);
  for (const CensusTally& part : censuses) census.merge(part);
  if (settings_.partition) {
    std::vector<std::uint64_t> counts = census_counts(census);
    settings_.partition->sum(counts);
    set_census_counts(census, counts);
    std::vector<uint128> sums(census.satisfaction_sums);
    sums.push_back(census.delay_sum);
    add_over_processes(sums, *settings_.partition);
    std::copy(sums.begin(), sums.end() - 1, census.satisfaction_sums.begin());
    census.delay_sum = sums.back();
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
  Delays delays;
  for (const Tally& tally : tallies_) delays.emplace_back(tally.census.delays);
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
    const double levels[] = {0.5, 0.9};
    const std::vector<double> days = quantiles(delays, delay_count, levels, settings_.partition);
    result.first_purchase_days_p50 = days[0];
    result.first_purchase_days_p90 = days[1];
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
