// Results as one JSON object (`--json`). Keys named in DESIGN.md "Outputs" are
// a contract with users' scripts: conversion_rate.mean, advocacy_rate.mean,
// nps.mean, purchasers, aware, events, events_per_s, threads, series.day,
// series.purchasers_cumulative. Add keys freely; never rename those.
#include <cmath>
#include <cstdint>
#include <set>
#include <string>

#include "io/detail.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace {

using nlohmann::json;
using io_detail::mean_over_runs;

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

// Element-wise mean of a daily series over replications (exact integers with
// one replication).
template <class Get>
json series_json(const Results& results, std::size_t days, Get get, bool is_count) {
  json out = json::array();
  for (std::size_t day = 0; day < days; ++day) {
    out.push_back(number(mean_over_runs(results, day, get), is_count));
  }
  return out;
}

json touchpoints_json(const Results& results) {
  json out = json::array();
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    const double visits = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_visits; });
    const double dropoffs = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_dropoffs; });
    const double purchases = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_purchases; });
    out.push_back(json{{"name", results.touchpoints[t]},
                       {"cost_per_visit", results.touchpoint_cost[t]},
                       {"visits", number(visits, true)},
                       {"dropoffs", number(dropoffs, true)},
                       {"dropoff_rate", io_detail::safe_div(dropoffs, visits)},
                       {"purchases", number(purchases, true)},
                       {"cost", number(visits * results.touchpoint_cost[t], false)}});
  }
  return out;
}

// Transitions and entries as listed by the engine, then one drop-off link per
// touchpoint that loses anyone (zero-width links only clutter a Sankey diagram).
json flows_json(const Results& results) {
  json out = json::array();
  for (std::size_t f = 0; f < results.flows.size(); ++f) {
    const FlowLink& link = results.flows[f];
    const double traversals = mean_over_runs(
        results, f, [](const RunResult& r) -> const auto& { return r.flow_traversals; });
    out.push_back(json{{"from", link.from},
                       {"to", link.to},
                       {"entry", link.entry},
                       {"dropoff", false},
                       {"traversals", number(traversals, true)}});
  }
  for (std::size_t e = 0; e < results.entries.size(); ++e) {
    const double dropoffs = mean_over_runs(
        results, e, [](const RunResult& r) -> const auto& { return r.entry_dropoffs; });
    if (dropoffs <= 0.0) continue;
    out.push_back(json{{"from", results.entries[e]},
                       {"to", "drop-off"},
                       {"entry", true},
                       {"dropoff", true},
                       {"traversals", number(dropoffs, true)}});
  }
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    const double dropoffs = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_dropoffs; });
    if (dropoffs <= 0.0) continue;
    out.push_back(json{{"from", results.touchpoints[t]},
                       {"to", "drop-off"},
                       {"entry", false},
                       {"dropoff", true},
                       {"traversals", number(dropoffs, true)}});
  }
  return out;
}

json segments_json(const Results& results) {
  using io_detail::safe_div;
  json out = json::array();
  const double runs = static_cast<double>(results.runs.size());
  for (std::size_t s = 0; s < results.segments.size(); ++s) {
    // Per replication first, then the mean, as in summarize().
    double aware = 0, purchasers = 0, purchases = 0, advocates = 0, promoters = 0,
           detractors = 0, revenue = 0, cost = 0, conversion = 0, nps = 0, satisfaction = 0;
    for (const RunResult& run : results.runs) {
      const SegmentTally seg = io_detail::at_or_zero(run.segments, s);
      const auto d = [](std::uint64_t x) { return static_cast<double>(x); };
      aware += d(seg.aware);
      purchasers += d(seg.purchasers);
      purchases += d(seg.purchases);
      advocates += d(seg.advocates);
      promoters += d(seg.promoters);
      detractors += d(seg.detractors);
      revenue += seg.revenue;
      cost += seg.cost;
      conversion += safe_div(d(seg.purchasers), d(seg.aware));
      nps += 100.0 * safe_div(d(seg.promoters) - d(seg.detractors), d(seg.purchasers));
      satisfaction += safe_div(seg.satisfaction_sum, d(seg.satisfaction_count));
    }
    const auto mean = [&](double sum) { return runs > 0 ? sum / runs : 0.0; };
    out.push_back(json{{"name", results.segments[s]},
                       {"aware", number(mean(aware), true)},
                       {"purchasers", number(mean(purchasers), true)},
                       {"purchases", number(mean(purchases), true)},
                       {"conversion_rate", number(mean(conversion), false)},
                       {"promoters", number(mean(promoters), true)},
                       {"detractors", number(mean(detractors), true)},
                       {"nps", number(mean(nps), false)},
                       {"mean_satisfaction", number(mean(satisfaction), false)},
                       {"revenue", number(mean(revenue), false)},
                       {"cost", number(mean(cost), false)},
                       {"advocates", number(mean(advocates), true)}});
  }
  return out;
}

json daily_json(const Results& results) {
  const std::size_t days = io_detail::series_days(results);
  json day = json::array();
  for (std::size_t d = 0; d < days; ++d) day.push_back(d);
  json out{{"day", day}};
  const auto put = [&](const char* key, auto get, bool is_count) {
    out[key] = series_json(results, days, get, is_count);
  };
  put("purchasers_cumulative",
      [](const RunResult& r) -> const auto& { return r.series.purchasers_cumulative; }, true);
  put("purchases", [](const RunResult& r) -> const auto& { return r.series.purchases; }, true);
  put("new_purchasers",
      [](const RunResult& r) -> const auto& { return r.series.new_purchasers; }, true);
  put("newly_aware_initial",
      [](const RunResult& r) -> const auto& { return r.series.newly_aware_initial; }, true);
  put("newly_aware_word_of_mouth",
      [](const RunResult& r) -> const auto& { return r.series.newly_aware_word_of_mouth; }, true);
  json by_channel = json::object();
  std::set<std::string> used;
  for (std::size_t c = 0; c < results.channels.size(); ++c) {
    static const std::vector<std::uint64_t> none;
    const auto get = [c](const RunResult& r) -> const std::vector<std::uint64_t>& {
      return c < r.series.newly_aware_by_channel.size() ? r.series.newly_aware_by_channel[c]
                                                        : none;
    };
    // Two channels may enter at the same touchpoint: keep both, numbered.
    std::string name = results.channels[c];
    for (int k = 2; used.count(name) != 0; ++k) name = results.channels[c] + "#" + std::to_string(k);
    used.insert(name);
    by_channel[name] = series_json(results, days, get, true);
  }
  out["newly_aware_by_channel"] = by_channel;
  put("active_advocates",
      [](const RunResult& r) -> const auto& { return r.series.active_advocates; }, true);
  put("public_rating", [](const RunResult& r) -> const auto& { return r.series.public_rating; },
      false);
  return out;
}

json runs_json(const Results& results) {
  const auto& defs = io_detail::metric_definitions();
  json out = json::array();
  for (const RunResult& run : results.runs) {
    json entry{{"replication", run.replication},
               {"events", run.events},
               {"wall_seconds", run.wall_seconds}};
    for (const auto& def : defs) {
      entry[def.key] = number(def.value(results, run), std::string(def.unit) == "count");
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
           {"strategy", results.strategy},
           {"seed", results.seed},
           {"market_size", results.market_size},
           {"horizon_days", results.horizon_days},
           {"step_days", results.step_days},
           {"threads", results.threads},
           {"replications", results.runs.size()},
           {"events", results.total_events()},
           {"events_per_s", number(results.events_per_second(), false)},
           {"wall_seconds", number(results.wall_seconds, false)},
           {"version", JOURNEYSIM_VERSION}};
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
  if (results.runs.size() > 1) out["runs"] = runs_json(results);
  return out;
}

}  // namespace journeysim
