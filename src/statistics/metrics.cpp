// Headline metrics: each computed per replication, then mean and 95% CI
// (Student t) across replications.
#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/distributions/students_t.hpp>

#include "statistics/detail.hpp"

namespace journeysim {

namespace {

double d(std::uint64_t x) { return static_cast<double>(x); }

// num / den, or 0 when den is 0 (JSON cannot hold NaN, and "no purchasers"
// reads better as a 0% rate than as a missing value).
double ratio(double num, double den) { return den == 0.0 ? 0.0 : num / den; }

}  // namespace

const std::vector<MetricDefinition>& headline_metrics() {
  using R = Results;
  using Run = RunResult;
  static const std::vector<MetricDefinition> metrics = {
      {"aware", "Aware", "count", [](const R&, const Run& r) { return d(r.aware); }},
      {"purchasers", "Purchasers", "count", [](const R&, const Run& r) { return d(r.purchasers); }},
      {"conversion_rate", "Conversion rate (of aware)", "%",
       [](const R&, const Run& r) { return ratio(d(r.purchasers), d(r.aware)); }},
      {"market_penetration", "Market penetration", "%",
       [](const R& res, const Run& r) { return ratio(d(r.purchasers), d(res.market_size)); }},
      {"advocates", "Advocates", "count", [](const R&, const Run& r) { return d(r.advocates); }},
      {"advocacy_rate", "Advocacy rate (of purchasers)", "%",
       [](const R&, const Run& r) { return ratio(d(r.advocates), d(r.purchasers)); }},
      {"nps", "NPS", "score",
       [](const R&, const Run& r) { return 100.0 * ratio(d(r.promoters) - d(r.detractors), d(r.purchasers)); }},
      {"mean_satisfaction", "Mean satisfaction", "",
       [](const R&, const Run& r) { return ratio(r.satisfaction_sum, d(r.satisfaction_count)); }},
      {"purchases", "Purchases", "count", [](const R&, const Run& r) { return d(r.purchases); }},
      {"revenue", "Revenue", "money", [](const R&, const Run& r) { return r.revenue; }},
      {"cost", "Cost", "money", [](const R&, const Run& r) { return r.cost; }},
      {"clv", "CLV (revenue per purchaser)", "money",
       [](const R&, const Run& r) { return ratio(r.revenue, d(r.purchasers)); }},
      {"cac", "CAC (cost per purchaser)", "money",
       [](const R&, const Run& r) { return ratio(r.cost, d(r.purchasers)); }},
      {"time_to_first_purchase_mean", "Time to first purchase, mean", "days",
       [](const R&, const Run& r) { return r.first_purchase_days_mean; }},
      {"time_to_first_purchase_p50", "Time to first purchase, median", "days",
       [](const R&, const Run& r) { return r.first_purchase_days_p50; }},
      {"time_to_first_purchase_p90", "Time to first purchase, 90th pct", "days",
       [](const R&, const Run& r) { return r.first_purchase_days_p90; }},
      {"journey_days_mean", "Journey length, mean", "days",
       [](const R&, const Run& r) { return r.journey_days_mean; }},
      {"public_rating", "Public rating (final)", "", [](const R&, const Run& r) { return r.final_public_rating; }},
      {"active_advocates", "Active advocates (final)", "count",
       [](const R&, const Run& r) { return d(r.final_active_advocates); }},
      {"reviews", "Reviews posted", "count", [](const R&, const Run& r) { return d(r.reviews); }},
      {"in_progress", "In progress at horizon", "count", [](const R&, const Run& r) { return d(r.in_progress); }},
      {"truncated", "Truncated (event cap)", "count", [](const R&, const Run& r) { return d(r.truncated); }},
  };
  return metrics;
}

const MetricDefinition* find_metric(std::string_view key) {
  for (const MetricDefinition& metric : headline_metrics())
    if (key == metric.key) return &metric;
  return nullptr;
}

std::vector<double> metric_values(const Results& results, const MetricDefinition& metric) {
  std::vector<double> values;
  values.reserve(results.runs.size());
  for (const RunResult& run : results.runs) values.push_back(metric.value(results, run));
  return values;
}

Interval confidence_interval(const std::vector<double>& values) {
  Interval out;
  const std::size_t n = values.size();
  if (n == 0) return out;
  double sum = 0.0;
  for (double v : values) sum += v;
  out.mean = sum / static_cast<double>(n);
  if (n < 2) return out;
  double squares = 0.0;  // two-pass: stable when values are large and close together
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  const double sd = std::sqrt(squares / static_cast<double>(n - 1));
  const boost::math::students_t dist(static_cast<double>(n - 1));
  const double half = boost::math::quantile(dist, 0.975) * sd / std::sqrt(static_cast<double>(n));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

// A t-interval can reach past what a metric can be (a rate below 0 with few
// replications); its bounds are clipped to the metric's range.
namespace statistics_detail {
void clip_to_range(Interval& value, const std::string& unit) {
  double low = 0.0, high = std::numeric_limits<double>::infinity();
  if (unit == "%" || unit.empty()) high = 1.0;  // rates; satisfaction and rating in [0, 1]
  if (unit == "score") low = -100.0, high = 100.0;
  if (value.low) value.low = std::clamp(*value.low, low, high);
  if (value.high) value.high = std::clamp(*value.high, low, high);
}
}  // namespace statistics_detail

std::vector<Metric> summarize(const Results& results) {
  std::vector<Metric> metrics;
  for (const MetricDefinition& definition : headline_metrics()) {
    Interval value = confidence_interval(metric_values(results, definition));
    statistics_detail::clip_to_range(value, definition.unit);
    metrics.push_back(Metric{definition.key, definition.label, definition.unit, value});
  }
  return metrics;
}

std::uint64_t Results::total_events() const {
  std::uint64_t total = 0;
  for (const RunResult& run : runs) total += run.events;
  return total;
}

double Results::events_per_second() const {
  if (!(wall_seconds > 0.0)) return 0.0;
  return static_cast<double>(total_events()) / wall_seconds;
}

}  // namespace journeysim
