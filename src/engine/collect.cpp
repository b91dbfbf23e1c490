// Turns a finished replication's tallies and customer states into a RunResult.
#include <algorithm>
#include <cmath>
#include <limits>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>

#include "engine/replication.hpp"

namespace journeysim::engine {

namespace {

constexpr std::uint32_t census_grain = 1u << 16;

// What the horizon finds in a range of customers; ranges merge in a fixed order.
struct CustomerCensus {
  explicit CustomerCensus(std::uint32_t segment_count) : segments(segment_count) {}

  void count(const CustomerStore& store, const oneapi::tbb::blocked_range<std::uint32_t>& ids,
             const Advocacy& advocacy) {
    // Satisfaction is stored as float, so the thresholds are compared as floats:
    // a customer whose experiences were all 0.9 is a promoter at promoter_at 0.9.
    const auto promoter_at = static_cast<float>(advocacy.promoter_at);
    const auto detractor_below = static_cast<float>(advocacy.detractor_below);
    for (std::uint32_t id = ids.begin(); id != ids.end(); ++id) {
      const HotState& customer = store.hot[id];
      if (!(customer.flags & (CustomerFlag::finished | CustomerFlag::truncated))) ++in_progress;
      if (!(customer.flags & CustomerFlag::purchaser)) continue;
      SegmentTally& segment = segments[customer.segment];
      ++segment.purchasers;
      if (customer.flags & CustomerFlag::advocate_ever) ++segment.advocates;
      const float delay = store.cold[id].first_purchase_delay;
      delays.push_back(delay);
      delay_sum += delay;
      if (customer.rated == 0) continue;  // passive, and left out of mean satisfaction
      segment.satisfaction_sum += customer.satisfaction;
      ++segment.satisfaction_count;
      if (customer.satisfaction >= promoter_at) ++segment.promoters;
      else if (customer.satisfaction < detractor_below) ++segment.detractors;
    }
  }

  // Adds what a census counts (and only that) from one segment tally to another.
  static void add_counted(SegmentTally& into, const SegmentTally& from) {
    into.purchasers += from.purchasers;
    into.advocates += from.advocates;
    into.promoters += from.promoters;
    into.detractors += from.detractors;
    into.satisfaction_sum += from.satisfaction_sum;
    into.satisfaction_count += from.satisfaction_count;
  }

  void merge(const CustomerCensus& other) {
    in_progress += other.in_progress;
    for (size_t s = 0; s < segments.size(); ++s) add_counted(segments[s], other.segments[s]);
    delays.insert(delays.end(), other.delays.begin(), other.delays.end());
    delay_sum += other.delay_sum;
  }

  std::uint64_t in_progress = 0;
  std::vector<SegmentTally> segments;
  std::vector<float> delays;  // first-purchase delays of purchasers
  double delay_sum = 0.0;
};

void add_into(Counters& total, const Counters& part) {
  for (size_t i = 0; i < part.size(); ++i) total[i] += part[i];
}

// Linear interpolation between order statistics (R's type 7).
double quantile(std::vector<float>& values, double level) {
  if (values.empty()) return 0.0;
  const double position = level * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(position));
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

  // Customer states at the horizon. parallel_deterministic_reduce splits the
  // ids the same way for any thread count, so floating sums are reproducible.
  CustomerCensus census = oneapi::tbb::parallel_deterministic_reduce(
      oneapi::tbb::blocked_range<std::uint32_t>(0, next_id_, census_grain), CustomerCensus(shape_.segments),
      [&](const oneapi::tbb::blocked_range<std::uint32_t>& ids, CustomerCensus census) {
        census.count(store_, ids, scenario_.advocacy);
        return census;
      },
      [](CustomerCensus left, const CustomerCensus& right) {
        left.merge(right);
        return left;
      });
  result.in_progress = census.in_progress;
  for (std::uint32_t s = 0; s < segments; ++s) CustomerCensus::add_counted(result.segments[s], census.segments[s]);
  std::vector<float> delays = std::move(census.delays);
  const double delay_sum = census.delay_sum;
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
    result.satisfaction_sum += segment.satisfaction_sum;
    result.satisfaction_count += segment.satisfaction_count;
  }
  result.passives = result.purchasers - result.promoters - result.detractors;

  // Run-off: the money purchasers bring after the horizon, from exact counts.
  if (settings_.run_off) {
    double after_horizon = 0.0;
    for (const RunOffTally& tally : run_off_tallies_) result.run_off_truncated += tally.truncated;
    for (std::uint32_t s = 0; s < segments; ++s) {
      for (std::uint32_t t = 0; t < touchpoints_; ++t) {
        const std::size_t cell = std::size_t{s} * touchpoints_ + t;
        std::uint64_t purchases = 0, refunds = 0;
        for (const RunOffTally& tally : run_off_tallies_) {
          purchases += tally.purchases[cell];
          refunds += tally.refunds[cell];
        }
        const Touchpoint& touchpoint = scenario_.touchpoints[t];
        after_horizon += static_cast<double>(purchases) * touchpoint.purchase_revenue.value_or(0.0) -
                         static_cast<double>(refunds) * touchpoint.refund_amount.value_or(0.0);
      }
    }
    result.lifetime_net_revenue = result.revenue - result.refunds + after_horizon;
  }
  result.first_purchase_days_mean = result.first_purchase_days_p50 = result.first_purchase_days_p90 = undefined;
  if (!delays.empty()) {
    result.first_purchase_days_mean = delay_sum / static_cast<double>(delays.size());
    result.first_purchase_days_p50 = quantile(delays, 0.5);
    result.first_purchase_days_p90 = quantile(delays, 0.9);
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
