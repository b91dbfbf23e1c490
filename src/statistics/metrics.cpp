// Headline metrics: each computed per replication, then mean and 95% CI
// (Student t) across replications.
#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/math/distributions/students_t.hpp>

#include "statistics/detail.hpp"

namespace journeysim {

namespace {

constexpr double undefined = std::numeric_limits<double>::quiet_NaN();

double d(std::uint64_t x) { return static_cast<double>(x); }

// num / den, undefined (NaN) when den is 0: "no purchasers" has no CAC, and
// reporting 0 would read as a free customer.
double ratio(double num, double den) { return den == 0.0 ? undefined : num / den; }

double net_revenue(const RunResult& r) { return r.revenue - r.refunds; }
double profit(const RunResult& r) { return net_revenue(r) - r.cost; }

}  // namespace

const std::vector<MetricDefinition>& headline_metrics() {
  using R = Results;
  using Run = RunResult;
  constexpr bool may_be_undefined = true, may_be_negative = true;
  static const std::vector<MetricDefinition> metrics = {
      {"aware", "Aware", "count", [](const R&, const Run& r) { return d(r.aware); }},
      {"purchasers", "Purchasers", "count", [](const R&, const Run& r) { return d(r.purchasers); }},
      {"conversion_rate", "Conversion rate (of aware)", "%",
       [](const R&, const Run& r) { return ratio(d(r.purchasers), d(r.aware)); }, may_be_undefined},
      {"market_penetration", "Market penetration", "%",
       [](const R& res, const Run& r) { return ratio(d(r.purchasers), d(res.market_size)); }},
      {"advocates", "Advocates", "count", [](const R&, const Run& r) { return d(r.advocates); }},
      {"advocacy_rate", "Advocacy rate (of purchasers)", "%",
       [](const R&, const Run& r) { return ratio(d(r.advocates), d(r.purchasers)); }, may_be_undefined},
      {"nps", "NPS", "score",
       [](const R&, const Run& r) { return 100.0 * ratio(d(r.promoters) - d(r.detractors), d(r.purchasers)); },
       may_be_undefined},
      {"mean_satisfaction", "Mean satisfaction", "",
       [](const R&, const Run& r) { return ratio(r.satisfaction_sum, d(r.satisfaction_count)); }, may_be_undefined},
      {"purchases", "Purchases", "count", [](const R&, const Run& r) { return d(r.purchases); }},
      {"revenue", "Revenue (gross)", "money", [](const R&, const Run& r) { return r.revenue; }},
      {"refunds", "Refunds", "money", [](const R&, const Run& r) { return r.refunds; }},
      {"net_revenue", "Net revenue", "money",
       [](const R&, const Run& r) { return net_revenue(r); }, false, may_be_negative},
      {"cost", "Cost", "money", [](const R&, const Run& r) { return r.cost; }},
      {"cost_acquisition", "Acquisition cost", "money",
       [](const R&, const Run& r) { return r.cost_acquisition; }},
      {"cost_retention", "Retention cost", "money",
       [](const R&, const Run& r) { return r.cost_retention; }},
      {"profit", "Profit", "money", [](const R&, const Run& r) { return profit(r); }, false,
       may_be_negative},
      {"clv", "CLV (net revenue per purchaser)", "money",
       [](const R&, const Run& r) { return ratio(net_revenue(r), d(r.purchasers)); }, may_be_undefined,
       may_be_negative},
      // The whole relationship, not just the horizon: only known with run-off.
      {"lifetime_value", "Lifetime value (net per purchaser, --run-off)", "money",
       [](const R& res, const Run& r) {
         return res.run_off ? ratio(r.lifetime_net_revenue, d(r.purchasers)) : undefined;
       },
       may_be_undefined, may_be_negative},
      {"cac", "CAC (acquisition cost per purchaser)", "money",
       [](const R&, const Run& r) { return ratio(r.cost_acquisition, d(r.purchasers)); }, may_be_undefined},
      {"retention_cost_per_purchaser", "Retention cost per purchaser", "money",
       [](const R&, const Run& r) { return ratio(r.cost_retention, d(r.purchasers)); }, may_be_undefined},
      {"profit_per_purchaser", "Profit per purchaser", "money",
       [](const R&, const Run& r) { return ratio(profit(r), d(r.purchasers)); }, may_be_undefined, may_be_negative},
      {"time_to_first_purchase_mean", "Time to first purchase, mean", "days",
       [](const R&, const Run& r) { return r.purchasers == 0 ? undefined : r.first_purchase_days_mean; },
       may_be_undefined},
      {"time_to_first_purchase_p50", "Time to first purchase, median", "days",
       [](const R&, const Run& r) { return r.purchasers == 0 ? undefined : r.first_purchase_days_p50; },
       may_be_undefined},
      {"time_to_first_purchase_p90", "Time to first purchase, 90th pct", "days",
       [](const R&, const Run& r) { return r.purchasers == 0 ? undefined : r.first_purchase_days_p90; },
       may_be_undefined},
      {"journey_days_mean", "Journey length, mean", "days",
       [](const R&, const Run& r) { return r.finished == 0 ? undefined : r.journey_days_mean; }, may_be_undefined},
      // NaN without reviews: such a scenario has no public rating.
      {"public_rating", "Public rating (final)", "", [](const R&, const Run& r) { return r.final_public_rating; },
       may_be_undefined},
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
  for (double v : values) {
    if (std::isnan(v)) return Interval{undefined, {}, {}};  // undefined in a replication: undefined overall
    sum += v;
  }
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
void clip_to_range(Interval& value, const std::string& unit, bool may_be_negative) {
  double low = may_be_negative ? -std::numeric_limits<double>::infinity() : 0.0;
  double high = std::numeric_limits<double>::infinity();
  if (unit == "%" || unit.empty()) high = 1.0;  // rates; satisfaction and rating in [0, 1]
  if (unit == "score") low = -100.0, high = 100.0;
  if (value.low) value.low = std::clamp(*value.low, low, high);
  if (value.high) value.high = std::clamp(*value.high, low, high);
}
}  // namespace statistics_detail

Interval summarize_metric(const MetricDefinition& metric, const std::vector<double>& values) {
  Interval value = confidence_interval(values);
  statistics_detail::clip_to_range(value, metric.unit, metric.may_be_negative);
  return value;
}

const char* undefined_note(const MetricDefinition& metric) {
  if (!metric.may_be_undefined) return nullptr;
  static const std::vector<std::pair<std::string_view, const char*>> notes = {
      {"conversion_rate", "NaN: undefined when nobody became aware"},
      {"mean_satisfaction", "NaN: undefined when no purchaser had a rated experience"},
      {"lifetime_value", "NaN: undefined without --run-off (the root attribute run_off is 0), or without purchasers"},
      {"journey_days_mean", "NaN: undefined when no journey finished"},
      {"public_rating", "NaN: undefined without reviews (the scenario has no public rating)"},
  };
  for (const auto& [key, note] : notes)
    if (key == metric.key) return note;
  return "NaN: undefined without purchasers";  // the ratios over purchasers, NPS and time to first purchase
}

std::vector<Metric> summarize(const Results& results) {
  std::vector<Metric> metrics;
  for (const MetricDefinition& definition : headline_metrics())
    metrics.push_back(Metric{definition.key, definition.label, definition.unit,
                             summarize_metric(definition, metric_values(results, definition))});
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
