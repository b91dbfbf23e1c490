// Summaries below the headline: per touchpoint, flow, segment and day.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>

#include "statistics/detail.hpp"

namespace journeysim {

using statistics_detail::at_or_zero;
using statistics_detail::interval_over_runs;

std::vector<TouchpointSummary> summarize_touchpoints(const Results& results) {
  std::vector<TouchpointSummary> out;
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    TouchpointSummary summary;
    summary.name = results.touchpoints[t];
    summary.cost_per_visit = at_or_zero(results.touchpoint_cost, t);
    summary.revenue_per_purchase = at_or_zero(results.touchpoint_revenue, t);
    summary.refund_amount = at_or_zero(results.touchpoint_refund, t);
    summary.visits = interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_visits; });
    summary.dropoffs =
        interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_dropoffs; });
    summary.purchases =
        interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_purchases; });
    summary.refund_count =
        interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_refunds; });
    summary.visits_after_purchase = interval_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_visits_after_purchase; });
    // Money per replication from its exact counts, then the interval.
    const auto money = [&](auto amount) {
      std::vector<double> values;
      values.reserve(results.runs.size());
      for (const RunResult& run : results.runs) values.push_back(amount(run));
      return confidence_interval(values);
    };
    const auto count = [t](const std::vector<std::uint64_t>& counts) {
      return static_cast<double>(at_or_zero(counts, t));
    };
    const double cost = summary.cost_per_visit, revenue = summary.revenue_per_purchase;
    const double refund = summary.refund_amount;
    summary.cost = money([&](const RunResult& r) { return count(r.touchpoint_visits) * cost; });
    summary.cost_retention =
        money([&](const RunResult& r) { return count(r.touchpoint_visits_after_purchase) * cost; });
    summary.cost_acquisition = money([&](const RunResult& r) {
      return (count(r.touchpoint_visits) - count(r.touchpoint_visits_after_purchase)) * cost;
    });
    summary.revenue = money([&](const RunResult& r) { return count(r.touchpoint_purchases) * revenue; });
    summary.refunds = money([&](const RunResult& r) { return count(r.touchpoint_refunds) * refund; });
    summary.net_revenue = money([&](const RunResult& r) {
      return count(r.touchpoint_purchases) * revenue - count(r.touchpoint_refunds) * refund;
    });
    summary.dropoff_rate = summary.visits.mean > 0.0 ? summary.dropoffs.mean / summary.visits.mean
                                                     : std::numeric_limits<double>::quiet_NaN();
    out.push_back(std::move(summary));
  }
  return out;
}

std::vector<FlowSummary> summarize_flows(const Results& results) {
  std::vector<FlowSummary> out;
  for (std::size_t f = 0; f < results.flows.size(); ++f) {
    const FlowLink& link = results.flows[f];
    out.push_back({link.from, link.to, link.entry, false,
                   interval_over_runs(results, f, [](const RunResult& r) -> const auto& { return r.flow_traversals; })});
  }
  // Zero-width drop-off links only clutter a Sankey diagram.
  for (std::size_t e = 0; e < results.entries.size(); ++e) {
    const Interval dropoffs =
        interval_over_runs(results, e, [](const RunResult& r) -> const auto& { return r.entry_dropoffs; });
    if (dropoffs.mean > 0.0) out.push_back({results.entries[e], "drop-off", true, true, dropoffs});
  }
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    const Interval dropoffs =
        interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_dropoffs; });
    if (dropoffs.mean > 0.0) out.push_back({results.touchpoints[t], "drop-off", false, true, dropoffs});
  }
  return out;
}

const Interval& SegmentSummary::operator[](std::string_view key) const {
  for (const Metric& metric : metrics)
    if (metric.key == key) return metric.value;
  throw std::out_of_range("no segment metric '" + std::string(key) + "'");
}

std::vector<SegmentSummary> summarize_segments(const Results& results) {
  struct SegmentMetric {
    const char* key;
    const char* unit;
    double (*value)(const SegmentTally& segment);
    bool may_be_negative = false;
  };
  using S = SegmentTally;
  // As the headline metrics: a ratio over nobody is undefined (NaN), not 0.
  static const auto ratio = [](double num, std::uint64_t den) {
    return den == 0 ? std::numeric_limits<double>::quiet_NaN() : num / static_cast<double>(den);
  };
  static const auto d = [](std::uint64_t x) { return static_cast<double>(x); };
  static const SegmentMetric segment_metrics[] = {
      {"aware", "count", [](const S& s) { return d(s.aware); }},
      {"purchasers", "count", [](const S& s) { return d(s.purchasers); }},
      {"purchases", "count", [](const S& s) { return d(s.purchases); }},
      {"conversion_rate", "%", [](const S& s) { return ratio(d(s.purchasers), s.aware); }},
      {"promoters", "count", [](const S& s) { return d(s.promoters); }},
      {"detractors", "count", [](const S& s) { return d(s.detractors); }},
      {"nps", "score", [](const S& s) { return 100.0 * ratio(d(s.promoters) - d(s.detractors), s.purchasers); }},
      {"mean_satisfaction", "", [](const S& s) { return ratio(s.satisfaction_sum, s.satisfaction_count); }},
      {"revenue", "money", [](const S& s) { return s.revenue; }},
      {"refunds", "money", [](const S& s) { return s.refunds; }},
      {"net_revenue", "money", [](const S& s) { return s.revenue - s.refunds; }, true},
      {"cost", "money", [](const S& s) { return s.cost; }},
      {"cost_acquisition", "money", [](const S& s) { return s.cost_acquisition; }},
      {"cost_retention", "money", [](const S& s) { return s.cost_retention; }},
      {"profit", "money", [](const S& s) { return s.revenue - s.refunds - s.cost; }, true},
      {"clv", "money", [](const S& s) { return ratio(s.revenue - s.refunds, s.purchasers); }, true},
      {"cac", "money", [](const S& s) { return ratio(s.cost_acquisition, s.purchasers); }},
      {"advocates", "count", [](const S& s) { return d(s.advocates); }},
  };
  std::vector<SegmentSummary> out;
  for (std::size_t s = 0; s < results.segments.size(); ++s) {
    SegmentSummary summary{results.segments[s], {}};
    for (const SegmentMetric& metric : segment_metrics) {
      std::vector<double> values;
      for (const RunResult& run : results.runs) values.push_back(metric.value(at_or_zero(run.segments, s)));
      Interval value = confidence_interval(values);
      statistics_detail::clip_to_range(value, metric.unit, metric.may_be_negative);
      summary.metrics.push_back({metric.key, metric.key, metric.unit, value});
    }
    out.push_back(std::move(summary));
  }
  return out;
}

std::size_t series_days(const Results& results) {
  std::size_t days = 0;
  for (const RunResult& run : results.runs) {
    const DailySeries& s = run.series;
    for (std::size_t n : {s.newly_aware_initial.size(), s.newly_aware_word_of_mouth.size(), s.purchases.size(),
                          s.new_purchasers.size(), s.purchasers_cumulative.size(), s.active_advocates.size(),
                          s.public_rating.size()})
      days = std::max(days, n);
    for (const auto& channel : s.newly_aware_by_channel) days = std::max(days, channel.size());
  }
  return days;
}

std::vector<SeriesSummary> summarize_series(const Results& results) {
  const std::size_t days = series_days(results);
  std::vector<SeriesSummary> out;
  const auto add = [&](std::string name, bool count, auto get) {
    SeriesSummary series{std::move(name), count, {}};
    series.days.reserve(days);
    for (std::size_t day = 0; day < days; ++day) series.days.push_back(interval_over_runs(results, day, get));
    out.push_back(std::move(series));
  };
  add("purchasers_cumulative", true, [](const RunResult& r) -> const auto& { return r.series.purchasers_cumulative; });
  add("purchases", true, [](const RunResult& r) -> const auto& { return r.series.purchases; });
  add("new_purchasers", true, [](const RunResult& r) -> const auto& { return r.series.new_purchasers; });
  add("newly_aware_initial", true, [](const RunResult& r) -> const auto& { return r.series.newly_aware_initial; });
  add("newly_aware_word_of_mouth", true,
      [](const RunResult& r) -> const auto& { return r.series.newly_aware_word_of_mouth; });
  std::set<std::string> used;
  for (std::size_t c = 0; c < results.channels.size(); ++c) {
    static const std::vector<std::uint64_t> none;
    // Two channels may enter at the same touchpoint: keep both, numbered.
    std::string name = results.channels[c];
    for (int k = 2; used.count(name) != 0; ++k) name = results.channels[c] + "#" + std::to_string(k);
    used.insert(name);
    add("newly_aware_by_channel/" + name, true, [c](const RunResult& r) -> const std::vector<std::uint64_t>& {
      return c < r.series.newly_aware_by_channel.size() ? r.series.newly_aware_by_channel[c] : none;
    });
  }
  add("active_advocates", true, [](const RunResult& r) -> const auto& { return r.series.active_advocates; });
  add("public_rating", false, [](const RunResult& r) -> const auto& { return r.series.public_rating; });
  return out;
}

}  // namespace journeysim
