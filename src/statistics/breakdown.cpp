// Summaries below the headline: per touchpoint, flow, segment and day.
#include <algorithm>
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
    summary.visits = interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_visits; });
    summary.dropoffs =
        interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_dropoffs; });
    summary.purchases =
        interval_over_runs(results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_purchases; });
    const auto scaled = [&](const Interval& visits) {
      Interval cost{visits.mean * summary.cost_per_visit, {}, {}};
      if (visits.low) cost.low = *visits.low * summary.cost_per_visit;
      if (visits.high) cost.high = *visits.high * summary.cost_per_visit;
      return cost;
    };
    summary.cost = scaled(summary.visits);
    summary.dropoff_rate = summary.visits.mean > 0.0 ? summary.dropoffs.mean / summary.visits.mean : 0.0;
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
  };
  static const SegmentMetric segment_metrics[] = {
      {"aware", "count", [](const SegmentTally& s) { return static_cast<double>(s.aware); }},
      {"purchasers", "count", [](const SegmentTally& s) { return static_cast<double>(s.purchasers); }},
      {"purchases", "count", [](const SegmentTally& s) { return static_cast<double>(s.purchases); }},
      {"conversion_rate", "%",
       [](const SegmentTally& s) { return s.aware == 0 ? 0.0 : static_cast<double>(s.purchasers) / s.aware; }},
      {"promoters", "count", [](const SegmentTally& s) { return static_cast<double>(s.promoters); }},
      {"detractors", "count", [](const SegmentTally& s) { return static_cast<double>(s.detractors); }},
      {"nps", "score",
       [](const SegmentTally& s) {
         return s.purchasers == 0 ? 0.0
                                  : 100.0 * (static_cast<double>(s.promoters) - static_cast<double>(s.detractors)) /
                                        static_cast<double>(s.purchasers);
       }},
      {"mean_satisfaction", "",
       [](const SegmentTally& s) {
         return s.satisfaction_count == 0 ? 0.0 : s.satisfaction_sum / static_cast<double>(s.satisfaction_count);
       }},
      {"revenue", "money", [](const SegmentTally& s) { return s.revenue; }},
      {"cost", "money", [](const SegmentTally& s) { return s.cost; }},
      {"advocates", "count", [](const SegmentTally& s) { return static_cast<double>(s.advocates); }},
  };
  std::vector<SegmentSummary> out;
  for (std::size_t s = 0; s < results.segments.size(); ++s) {
    SegmentSummary summary{results.segments[s], {}};
    for (const SegmentMetric& metric : segment_metrics) {
      std::vector<double> values;
      for (const RunResult& run : results.runs) values.push_back(metric.value(at_or_zero(run.segments, s)));
      Interval value = confidence_interval(values);
      statistics_detail::clip_to_range(value, metric.unit);
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
