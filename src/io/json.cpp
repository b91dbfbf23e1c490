// Results as one JSON object (`--json`). Keys named in DESIGN.md "Outputs" are
// a contract with users' scripts: conversion_rate.mean, advocacy_rate.mean,
// nps.mean, purchasers, aware, events, events_per_s, threads, series.day,
// series.purchasers_cumulative. Add keys freely; never rename those.
#include <cmath>
#include <cstdint>
#include <string>

#include "io/detail.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace {

using nlohmann::json;

// A count is written as an integer when it is one (always so with a single
// replication), so scripts see 1234 rather than 1234.0.
json count_value(double x) {
  if (x >= 0.0 && x < 9007199254740992.0 && std::floor(x) == x) {
    return static_cast<std::uint64_t>(x);
  }
  return x;
}

json number(double x, bool is_count) {
  if (!std::isfinite(x)) return nullptr;  // JSON has no NaN or infinity
  return is_count ? count_value(x) : json(x);
}

json optional_number(const std::optional<double>& x) {
  return x ? number(*x, false) : json(nullptr);
}

json interval_json(const Interval& value, bool is_count) {
  return json{{"mean", number(value.mean, is_count)},
              {"ci95_low", optional_number(value.low)},
              {"ci95_high", optional_number(value.high)}};
}

json touchpoints_json(const Results& results) {
  json out = json::array();
  for (const TouchpointSummary& touchpoint : summarize_touchpoints(results)) {
    const auto ci = [](const Interval& value) { return json{optional_number(value.low), optional_number(value.high)}; };
    out.push_back(json{{"name", touchpoint.name},
                       {"cost_per_visit", touchpoint.cost_per_visit},
                       {"revenue_per_purchase", touchpoint.revenue_per_purchase},
                       {"refund_amount", touchpoint.refund_amount},
                       {"visits", number(touchpoint.visits.mean, true)},
                       {"visits_after_purchase", number(touchpoint.visits_after_purchase.mean, true)},
                       {"dropoffs", number(touchpoint.dropoffs.mean, true)},
                       {"dropoff_rate", number(touchpoint.dropoff_rate, false)},
                       {"purchases", number(touchpoint.purchases.mean, true)},
                       {"refund_count", number(touchpoint.refund_count.mean, true)},
                       {"cost", number(touchpoint.cost.mean, false)},
                       {"cost_acquisition", number(touchpoint.cost_acquisition.mean, false)},
                       {"cost_retention", number(touchpoint.cost_retention.mean, false)},
                       {"revenue", number(touchpoint.revenue.mean, false)},
                       {"refunds", number(touchpoint.refunds.mean, false)},
                       {"net_revenue", number(touchpoint.net_revenue.mean, false)},
                       {"ci95", {{"visits", ci(touchpoint.visits)},
                                 {"dropoffs", ci(touchpoint.dropoffs)},
                                 {"purchases", ci(touchpoint.purchases)},
                                 {"refund_count", ci(touchpoint.refund_count)},
                                 {"net_revenue", ci(touchpoint.net_revenue)}}}});
  }
  return out;
}

json flows_json(const Results& results) {
  json out = json::array();
  for (const FlowSummary& flow : summarize_flows(results)) {
    out.push_back(json{{"from", flow.from},
                       {"to", flow.to},
                       {"entry", flow.entry},
                       {"dropoff", flow.dropoff},
                       {"traversals", number(flow.traversals.mean, true)}});
  }
  return out;
}

// Each segment metric's mean under its key (as scripts read it), and its
// interval under ci95.
json segments_json(const Results& results) {
  json out = json::array();
  for (const SegmentSummary& segment : summarize_segments(results)) {
    json entry{{"name", segment.name}};
    json intervals = json::object();
    for (const Metric& metric : segment.metrics) {
      entry[metric.key] = number(metric.value.mean, metric.unit == "count");
      intervals[metric.key] = {optional_number(metric.value.low), optional_number(metric.value.high)};
    }
    entry["ci95"] = std::move(intervals);
    out.push_back(std::move(entry));
  }
  return out;
}

// Means per day (exact integers with one replication); channels under
// newly_aware_by_channel.<name>.
json daily_json(const Results& results) {
  const std::size_t days = series_days(results);
  json day = json::array();
  for (std::size_t d = 0; d < days; ++d) day.push_back(d);
  json out{{"day", day}};
  json by_channel = json::object();
  const std::string channel_prefix = "newly_aware_by_channel/";
  for (const SeriesSummary& series : summarize_series(results)) {
    json values = json::array();
    for (const Interval& value : series.days) values.push_back(number(value.mean, series.count));
    if (series.name.starts_with(channel_prefix)) {
      by_channel[series.name.substr(channel_prefix.size())] = std::move(values);
    } else {
      out[series.name] = std::move(values);
    }
  }
  out["newly_aware_by_channel"] = std::move(by_channel);
  return out;
}

json runs_json(const Results& results) {
  json out = json::array();
  for (const RunResult& run : results.runs) {
    json entry{{"replication", run.replication},
               {"events", run.events},
               {"wall_seconds", run.wall_seconds}};
    for (const MetricDefinition& metric : headline_metrics()) {
      entry[metric.key] = number(metric.value(results, run), std::string(metric.unit) == "count");
    }
    out.push_back(std::move(entry));
  }
  return out;
}

}  // namespace

nlohmann::json results_to_json(const Results& results) {
  io_detail::check_shapes(results);
  json out{{"scenario", results.scenario_name},
           {"path", results.scenario_path},
           {"label", results.label},
           {"strategy", results.strategy},
           {"strategies", results.strategies},
           {"edits", results.edits},
           {"seed", results.seed},
           {"market_size", results.market_size},
           {"horizon_days", results.horizon_days},
           {"step_days", results.step_days},
           {"threads", results.threads},
           {"processes", results.processes},
           {"replications", results.runs.size()},
           {"events", results.total_events()},
           {"events_per_s", number(results.events_per_second(), false)},
           {"wall_seconds", number(results.wall_seconds, false)},
           {"version", JOURNEYSIM_VERSION},
           {"run_off", results.run_off},
           {"command_line", results.command_line},
           {"created_utc", results.created_utc},
           {"git_commit", results.git_commit}};
  json metrics = json::object();
  for (const Metric& metric : summarize(results)) {
    const bool is_count = metric.unit == "count";
    json value = interval_json(metric.value, is_count);
    value["label"] = metric.label;
    value["unit"] = metric.unit;
    metrics[metric.key] = value;
    // Fixed layout: `aware` and `purchasers` are plain numbers at the top.
    if (metric.key == "aware" || metric.key == "purchasers") {
      out[metric.key] = number(metric.value.mean, is_count);
    } else {
      out[metric.key] = interval_json(metric.value, is_count);
    }
  }
  out["metrics"] = std::move(metrics);
  out["touchpoints"] = touchpoints_json(results);
  out["flows"] = flows_json(results);
  out["segments"] = segments_json(results);
  out["series"] = daily_json(results);
  out["runs"] = runs_json(results);  // one shape whatever the replication count
  return out;
}

}  // namespace journeysim
