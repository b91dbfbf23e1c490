#pragma once
// Summaries of results across replications, with 95% confidence intervals,
// and differences between two results (paired or not). Writers render these;
// they compute nothing of their own.
//
//   for (const Metric& metric : summarize(results)) print(metric.key, metric.value.mean);
//   auto deltas = compare_metrics(baseline, arm, Pairing::paired);  // common random numbers
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "journeysim/results.hpp"

namespace journeysim {

// Undefined is not zero: a ratio whose denominator is 0 (no purchasers,
// nobody aware) or a value that does not exist (no public rating without
// reviews) is NaN, written as null in JSON and "n/a" in tables.
struct Interval {
  double mean = 0.0;          // NaN when undefined in any replication
  std::optional<double> low;  // 95% CI (Student t); empty when it cannot be computed (n < 2, or undefined)
  std::optional<double> high;
};

// mean ± t(0.975, n-1)·sd/√n over the values (no interval for n < 2). A NaN
// value (undefined in that replication) makes the mean NaN, with no interval:
// averaging only the defined ones would hide that some are not.
Interval confidence_interval(const std::vector<double>& values);

// The `note` attribute HDF5 writers put on datasets that may hold NaN (each
// metric's own case: undefined_note below; these for the rest).
inline constexpr const char* kUndefinedNote = "NaN: undefined, e.g. no purchasers";
inline constexpr const char* kNoRatingNote = "NaN: undefined, e.g. no reviews (no public rating)";

// A headline metric: one value per replication, computed from its tallies.
struct MetricDefinition {
  const char* key;    // JSON key and HDF5 dataset name, e.g. "conversion_rate"
  const char* label;  // for tables, e.g. "Conversion rate (of aware)"
  const char* unit;   // "" (in [0, 1]), "%", "score" (NPS), "days", "money", "count"
  double (*value)(const Results& results, const RunResult& run);
  bool may_be_undefined = false;  // can be NaN (a ratio over purchasers, …)
  bool may_be_negative = false;   // money that can be below 0 (profit): its CI is not clipped at 0
};

// In display order: aware, purchasers, conversion_rate, market_penetration,
// advocates, advocacy_rate, nps, mean_satisfaction, purchases, revenue,
// refunds, net_revenue, cost, cost_acquisition, cost_retention, profit, clv,
// cac, retention_cost_per_purchaser, profit_per_purchaser,
// time_to_first_purchase_{mean,p50,p90}, journey_days_mean, public_rating,
// active_advocates, reviews, in_progress, truncated.
const std::vector<MetricDefinition>& headline_metrics();
const MetricDefinition* find_metric(std::string_view key);  // nullptr when unknown

std::vector<double> metric_values(const Results& results, const MetricDefinition& metric);

// When a metric that may be undefined is, in its own terms ("NaN: undefined
// when nobody became aware" for conversion_rate): the `note` HDF5 writers put
// on its datasets. nullptr for a metric that is never undefined.
const char* undefined_note(const MetricDefinition& metric);

// The mean and 95% CI of one metric over its per-replication values, clipped
// to the metric's range: what summarize() reports, and the only numbers any
// writer (table, JSON, HDF5 run and sweep files) may render for it.
Interval summarize_metric(const MetricDefinition& metric, const std::vector<double>& values);

struct Metric {
  std::string key;
  std::string label;
  std::string unit;
  Interval value;
};

// The headline metrics with CIs clipped to each metric's range.
std::vector<Metric> summarize(const Results& results);

struct TouchpointSummary {
  std::string name;
  double cost_per_visit = 0.0;
  double revenue_per_purchase = 0.0;  // 0: not a purchase touchpoint
  double refund_amount = 0.0;         // 0: not a refund touchpoint
  Interval visits, dropoffs, purchases, refund_count, cost;
  Interval visits_after_purchase;             // by customers who had bought before: retention visits
  Interval cost_acquisition, cost_retention;  // cost split by visits before and after the first purchase
  Interval revenue, refunds, net_revenue;     // money: purchases × revenue, refund_count × amount, the difference
  double dropoff_rate = 0.0;  // mean dropoffs / mean visits; NaN without visits
};
std::vector<TouchpointSummary> summarize_touchpoints(const Results& results);

struct FlowSummary {
  std::string from, to;
  bool entry = false;    // from an entry (initial, a channel, word of mouth)
  bool dropoff = false;  // to drop-off
  Interval traversals;
};
// Entries and transitions as the engine lists them, then a drop-off link per
// entry and touchpoint that loses anyone.
std::vector<FlowSummary> summarize_flows(const Results& results);

// Per segment: aware, purchasers, purchases, conversion_rate, promoters,
// detractors, nps, mean_satisfaction, revenue, refunds, net_revenue, cost,
// cost_acquisition, cost_retention, profit, clv, cac, advocates.
struct SegmentSummary {
  std::string name;
  std::vector<Metric> metrics;
  const Interval& operator[](std::string_view key) const;
};
std::vector<SegmentSummary> summarize_segments(const Results& results);

// Daily series, each day's value averaged over replications (with its CI).
// Index d covers day d, i.e. [d, d+1); a cumulative series or a level
// (active advocates, public rating) is its value at the end of that day.
struct SeriesSummary {
  std::string name;  // purchasers_cumulative, purchases, …, or "newly_aware_by_channel/<channel>"
  bool count = true;
  std::vector<Interval> days;
};
std::size_t series_days(const Results& results);
std::vector<SeriesSummary> summarize_series(const Results& results);

// Arm − baseline, absolute and relative to the baseline.
struct Difference {
  Interval delta;
  Interval relative;  // (arm − baseline)/baseline; mean NaN unless the baseline is positive
};
enum class Pairing {
  paired,    // replication k of both shares seed and streams: t-interval of the k differences
  unpaired,  // independent results: Welch's interval
};
Difference paired_difference(const std::vector<double>& baseline, const std::vector<double>& arm);
Difference welch_difference(const std::vector<double>& baseline, const std::vector<double>& arm);

struct MetricComparison {
  std::string key, label, unit;
  Interval baseline, arm;
  Difference difference;
  bool significant() const;  // the delta's CI excludes 0
};
// Every headline metric. Paired needs the same replications in both.
std::vector<MetricComparison> compare_metrics(const Results& baseline, const Results& arm, Pairing pairing);

}  // namespace journeysim
