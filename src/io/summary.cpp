// Headline metrics: each computed per replication, then mean and 95% CI
// (Student t) across replications. Also the shape checks the writers share.
#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

#include "io/detail.hpp"
#include "journeysim/results.hpp"

namespace journeysim {

namespace io_detail {

double safe_div(double num, double den) { return den == 0.0 ? 0.0 : num / den; }

namespace {

double d(std::uint64_t x) { return static_cast<double>(x); }

}  // namespace

const std::vector<MetricDef>& metric_definitions() {
  using R = Results;
  using Run = RunResult;
  static const std::vector<MetricDef> defs = {
      {"aware", "Aware", "count", [](const R&, const Run& r) { return d(r.aware); }},
      {"purchasers", "Purchasers", "count", [](const R&, const Run& r) { return d(r.purchasers); }},
      {"conversion_rate", "Conversion rate (of aware)", "%",
       [](const R&, const Run& r) { return safe_div(d(r.purchasers), d(r.aware)); }},
      {"market_penetration", "Market penetration", "%",
       [](const R& res, const Run& r) { return safe_div(d(r.purchasers), d(res.market_size)); }},
      {"advocates", "Advocates", "count", [](const R&, const Run& r) { return d(r.advocates); }},
      {"advocacy_rate", "Advocacy rate (of purchasers)", "%",
       [](const R&, const Run& r) { return safe_div(d(r.advocates), d(r.purchasers)); }},
      {"nps", "NPS", "score",
       [](const R&, const Run& r) {
         return 100.0 * safe_div(d(r.promoters) - d(r.detractors), d(r.purchasers));
       }},
      {"mean_satisfaction", "Mean satisfaction", "",
       [](const R&, const Run& r) { return safe_div(r.satisfaction_sum, d(r.satisfaction_count)); }},
      {"purchases", "Purchases", "count", [](const R&, const Run& r) { return d(r.purchases); }},
      {"revenue", "Revenue", "money", [](const R&, const Run& r) { return r.revenue; }},
      {"cost", "Cost", "money", [](const R&, const Run& r) { return r.cost; }},
      {"clv", "CLV (revenue per purchaser)", "money",
       [](const R&, const Run& r) { return safe_div(r.revenue, d(r.purchasers)); }},
      {"cac", "CAC (cost per purchaser)", "money",
       [](const R&, const Run& r) { return safe_div(r.cost, d(r.purchasers)); }},
      {"time_to_first_purchase_mean", "Time to first purchase, mean", "days",
       [](const R&, const Run& r) { return r.first_purchase_days_mean; }},
      {"time_to_first_purchase_p50", "Time to first purchase, median", "days",
       [](const R&, const Run& r) { return r.first_purchase_days_p50; }},
      {"time_to_first_purchase_p90", "Time to first purchase, 90th pct", "days",
       [](const R&, const Run& r) { return r.first_purchase_days_p90; }},
      {"journey_days_mean", "Journey length, mean", "days",
       [](const R&, const Run& r) { return r.journey_days_mean; }},
      {"public_rating", "Public rating (final)", "",
       [](const R&, const Run& r) { return r.final_public_rating; }},
      {"active_advocates", "Active advocates (final)", "count",
       [](const R&, const Run& r) { return d(r.final_active_advocates); }},
      {"reviews", "Reviews posted", "count", [](const R&, const Run& r) { return d(r.reviews); }},
      {"in_progress", "In progress at horizon", "count",
       [](const R&, const Run& r) { return d(r.in_progress); }},
      {"truncated", "Truncated (event cap)", "count",
       [](const R&, const Run& r) { return d(r.truncated); }},
  };
  return defs;
}

std::vector<double> metric_per_run(const Results& results, const MetricDef& def) {
  std::vector<double> values;
  values.reserve(results.runs.size());
  for (const RunResult& run : results.runs) values.push_back(def.value(results, run));
  return values;
}

namespace {

template <class T>
void check_length(const std::vector<T>& values, std::size_t expected, const RunResult& run,
                  std::size_t run_index, const char* what, const char* of) {
  if (values.empty() || values.size() == expected) return;
  throw std::invalid_argument(fmt::format(
      "results: replication {} (run #{}) has {} entries in {} but there are {} {}",
      run.replication, run_index, values.size(), what, expected, of));
}

}  // namespace

std::size_t series_days(const Results& results) {
  std::size_t days = 0;
  for (const RunResult& run : results.runs) {
    const DailySeries& s = run.series;
    for (std::size_t n : {s.newly_aware_initial.size(), s.newly_aware_word_of_mouth.size(),
                          s.purchases.size(), s.new_purchasers.size(),
                          s.purchasers_cumulative.size(), s.active_advocates.size(),
                          s.public_rating.size()}) {
      days = std::max(days, n);
    }
    for (const auto& channel : s.newly_aware_by_channel) days = std::max(days, channel.size());
  }
  return days;
}

void check_shapes(const Results& results) {
  if (results.touchpoint_cost.size() != results.touchpoints.size()) {
    throw std::invalid_argument(fmt::format(
        "results: {} touchpoint costs for {} touchpoints", results.touchpoint_cost.size(),
        results.touchpoints.size()));
  }
  const std::size_t days = series_days(results);
  for (std::size_t i = 0; i < results.runs.size(); ++i) {
    const RunResult& run = results.runs[i];
    const std::size_t tps = results.touchpoints.size();
    check_length(run.touchpoint_visits, tps, run, i, "touchpoint_visits", "touchpoints");
    check_length(run.touchpoint_dropoffs, tps, run, i, "touchpoint_dropoffs", "touchpoints");
    check_length(run.touchpoint_purchases, tps, run, i, "touchpoint_purchases", "touchpoints");
    check_length(run.flow_traversals, results.flows.size(), run, i, "flow_traversals", "flows");
    check_length(run.segments, results.segments.size(), run, i, "segments", "segments");
    const DailySeries& s = run.series;
    check_length(s.newly_aware_by_channel, results.channels.size(), run, i,
                 "series.newly_aware_by_channel", "channels");
    for (const auto& channel : s.newly_aware_by_channel) {
      check_length(channel, days, run, i, "a series.newly_aware_by_channel row", "days");
    }
    check_length(s.newly_aware_initial, days, run, i, "series.newly_aware_initial", "days");
    check_length(s.newly_aware_word_of_mouth, days, run, i, "series.newly_aware_word_of_mouth",
                 "days");
    check_length(s.purchases, days, run, i, "series.purchases", "days");
    check_length(s.new_purchasers, days, run, i, "series.new_purchasers", "days");
    check_length(s.purchasers_cumulative, days, run, i, "series.purchasers_cumulative", "days");
    check_length(s.active_advocates, days, run, i, "series.active_advocates", "days");
    check_length(s.public_rating, days, run, i, "series.public_rating", "days");
  }
}

}  // namespace io_detail

std::uint64_t Results::total_events() const {
  std::uint64_t total = 0;
  for (const RunResult& run : runs) total += run.events;
  return total;
}

double Results::events_per_second() const {
  if (!(wall_seconds > 0.0)) return 0.0;
  return static_cast<double>(total_events()) / wall_seconds;
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
  const double t = boost::math::quantile(dist, 0.975);
  const double half = t * sd / std::sqrt(static_cast<double>(n));
  out.low = out.mean - half;
  out.high = out.mean + half;
  return out;
}

// A t-interval can reach past what a metric can be (a rate below 0 with few
// replications); its bounds are clipped to the metric's range.
void clip_to_range(Interval& value, const std::string& unit) {
  double low = 0.0, high = std::numeric_limits<double>::infinity();
  if (unit == "%" || unit.empty()) high = 1.0;  // rates; satisfaction and rating in [0, 1]
  if (unit == "score") low = -100.0, high = 100.0;
  if (value.low) value.low = std::clamp(*value.low, low, high);
  if (value.high) value.high = std::clamp(*value.high, low, high);
}

std::vector<Metric> summarize(const Results& results) {
  std::vector<Metric> metrics;
  for (const io_detail::MetricDef& def : io_detail::metric_definitions()) {
    Interval value = confidence_interval(io_detail::metric_per_run(results, def));
    clip_to_range(value, def.unit);
    metrics.push_back(Metric{def.key, def.label, def.unit, value});
  }
  return metrics;
}

}  // namespace journeysim
