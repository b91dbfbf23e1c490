// The report model: result files' summaries turned into what each chart
// shows, in display units (fractions as percent). Every number comes from
// the statistics summaries (statistics.hpp); nothing here re-derives a
// metric, so the page says what the tables and JSON say.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <fmt/format.h>

#include "io/text_format.hpp"
#include "journeysim/load.hpp"
#include "journeysim/report.hpp"
#include "journeysim/sweep_plan.hpp"
#include "report/report_detail.hpp"

namespace journeysim::report {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The KPI cards, in the order the issue lists them, then what a board asks next.
const std::vector<std::string>& kpi_keys() {
  static const std::vector<std::string> keys{"conversion_rate", "advocacy_rate", "nps",     "clv",
                                             "cac",             "revenue",       "time_to_first_purchase_mean",
                                             "purchasers",      "profit"};
  return keys;
}

// The metrics a comparison or sweep charts: reach, experience, money, time.
const std::vector<std::string>& chart_keys() {
  static const std::vector<std::string> keys{
      "conversion_rate", "purchasers",     "advocacy_rate", "nps",   "mean_satisfaction",
      "revenue",         "profit",         "clv",           "cac",   "lifetime_value",
      "time_to_first_purchase_mean",       "public_rating", "active_advocates"};
  return keys;
}

Interval scaled(const Interval& value, double factor) {
  Interval out{value.mean * factor, {}, {}};
  if (value.low) out.low = *value.low * factor;
  if (value.high) out.high = *value.high * factor;
  return out;
}

std::string metric_unit(const std::string& key) {
  const MetricDefinition* metric = find_metric(key);
  return metric == nullptr ? "" : metric->unit;
}

std::string axis_label(const std::string& label, const std::string& unit) {
  const std::string text = unit_text(unit);
  return text.empty() ? label : label + " (" + text + ")";
}

// The daily series chart of a run: `names` from summarize_series, each a line.
LineChart series_chart(std::string id, std::string title, std::string y_label,
                       const std::vector<SeriesSummary>& all,
                       const std::vector<std::pair<std::string, std::string>>& names, bool from_zero) {
  LineChart chart{std::move(id), std::move(title), "day", std::move(y_label), {}, from_zero, false, false, false};
  for (const auto& [name, label] : names) {
    // [&name = name]: clang 14 (the sanitizer and fuzz tree) cannot capture a structured binding.
    const auto it =
        std::find_if(all.begin(), all.end(), [&name = name](const SeriesSummary& s) { return s.name == name; });
    if (it == all.end()) continue;
    Line line{label, {}, it->days};
    for (std::size_t d = 0; d < it->days.size(); ++d) line.x.push_back(static_cast<double>(d));
    chart.lines.push_back(std::move(line));
  }
  return chart;
}

// Which parameters were swept on a log: grid, from the plan the file keeps.
// A command-line plan's text has no `scenario:` (the loader requires one),
// so one is supplied; it is not read.
std::vector<bool> log_parameters(const SweepData& sweep) {
  std::vector<bool> log(sweep.parameters.size(), false);
  if (sweep.plan_text.empty()) return log;
  Diagnostics diagnostics;
  auto plan = load_sweep_plan_text(sweep.plan_text, "plan.yaml", diagnostics);
  if (!plan) {
    Diagnostics again;
    plan = load_sweep_plan_text("scenario: scenario.yaml\n" + sweep.plan_text, "plan.yaml", again);
  }
  if (!plan) return log;
  for (const SweepAxis& axis : plan->axes) {
    const auto it = std::find(sweep.parameters.begin(), sweep.parameters.end(), axis.path);
    if (it != sweep.parameters.end() && axis.kind == SweepAxis::Kind::log)
      log[static_cast<std::size_t>(it - sweep.parameters.begin())] = true;
  }
  return log;
}

// Per replication, the traversals into `stage`'s touchpoints from an entry
// or a touchpoint of an earlier stage.
std::vector<double> stage_arrivals(const Results& results, const std::vector<std::string>& stages,
                                   const std::string& stage) {
  const auto rank = [&](const std::string& name) {
    return static_cast<int>(std::find(stage_names().begin(), stage_names().end(), name) - stage_names().begin());
  };
  std::map<std::string, int> stage_of;
  for (std::size_t t = 0; t < results.touchpoints.size() && t < stages.size(); ++t)
    stage_of[results.touchpoints[t]] = rank(stages[t]);
  const int target = rank(stage);
  std::vector<std::size_t> forward;
  for (std::size_t f = 0; f < results.flows.size(); ++f) {
    const FlowLink& link = results.flows[f];
    const auto to = stage_of.find(link.to);
    if (to == stage_of.end() || to->second != target) continue;
    const auto from = stage_of.find(link.from);
    if (link.entry || (from != stage_of.end() && from->second < target)) forward.push_back(f);
  }
  std::vector<double> arrivals;
  for (const RunResult& run : results.runs) {
    double sum = 0.0;
    for (std::size_t f : forward)
      sum += f < run.flow_traversals.size() ? static_cast<double>(run.flow_traversals[f]) : 0.0;
    arrivals.push_back(sum);
  }
  return arrivals;
}

bool has_defined_value(const LineChart& chart) {
  for (const Line& line : chart.lines)
    for (const Interval& y : line.y)
      if (std::isfinite(y.mean)) return true;
  return false;
}

}  // namespace

std::string unit_text(const std::string& unit) {
  if (unit == "%") return "%";
  if (unit == "money") return "money";
  if (unit == "days") return "days";
  if (unit == "score") return "NPS, −100 to 100";
  if (unit == "count") return "count";
  return "0 to 1";
}

std::string format_kpi(double value, const std::string& unit) {
  // The model holds percentages for "%"; the shared formatter wants fractions.
  return io_detail::format_value(unit == "%" ? value / 100.0 : value, unit);
}

std::string format_ci(const Interval& value, const std::string& unit) {
  if (!std::isfinite(value.mean)) return "undefined in at least one replication";
  if (!value.low || !value.high) return "no CI (one replication)";
  return fmt::format("95% CI [{}, {}]", format_kpi(*value.low, unit), format_kpi(*value.high, unit));
}

std::vector<std::string> touchpoint_stages(const Results& results, std::string* problem) {
  std::vector<std::string> stages(results.touchpoints.size());
  if (results.scenario_text.empty()) {
    if (problem) *problem = "the file holds no scenario text, so touchpoints have no stages";
    return stages;
  }
  Diagnostics diagnostics;
  const auto scenario = load_scenario_text(results.scenario_text, results.scenario_name + ".yaml", diagnostics);
  if (!scenario) {
    if (problem) *problem = "the scenario text in the file does not load, so touchpoints have no stages";
    return stages;
  }
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    const int index = scenario->touchpoint_index(results.touchpoints[t]);
    if (index >= 0) stages[t] = to_string(scenario->touchpoints[static_cast<std::size_t>(index)].stage);
  }
  return stages;
}

std::vector<StageBar> stage_bars(const Results& results, const std::vector<std::string>& stages) {
  std::vector<StageBar> bars;
  const auto metric = [&](const char* key) {
    const MetricDefinition* definition = find_metric(key);
    return summarize_metric(*definition, metric_values(results, *definition));
  };
  for (const std::string& stage : stage_names()) {
    StageBar bar{stage, {}, {}, "", {kNaN, {}, {}}, {kNaN, {}, {}}};
    std::vector<std::size_t> members;
    for (std::size_t t = 0; t < results.touchpoints.size() && t < stages.size(); ++t) {
      if (stages[t] == stage) {
        members.push_back(t);
        bar.touchpoints.push_back(results.touchpoints[t]);
      }
    }
    std::vector<double> visits;
    for (const RunResult& run : results.runs) {
      double sum = 0.0;
      for (std::size_t t : members) sum += t < run.touchpoint_visits.size() ? run.touchpoint_visits[t] : 0.0;
      visits.push_back(sum);
    }
    bar.visits = confidence_interval(visits);
    if (bar.visits.low) bar.visits.low = std::max(0.0, *bar.visits.low);
    bar.arrivals = confidence_interval(stage_arrivals(results, stages, stage));
    if (bar.arrivals.low) bar.arrivals.low = std::max(0.0, *bar.arrivals.low);
    if (stage == "awareness") bar.customers_label = "aware";
    if (stage == "purchase") bar.customers_label = "purchasers";
    if (stage == "advocacy") bar.customers_label = "advocates";
    if (!bar.customers_label.empty()) bar.customers = metric(bar.customers_label.c_str());
    bars.push_back(std::move(bar));
  }
  return bars;
}

RunView run_view(const Results& results) {
  RunView view;
  view.title = results.scenario_name + (results.label.empty() ? "" : " · " + results.label);
  const std::vector<Metric> metrics = summarize(results);
  std::vector<std::string> keys = kpi_keys();
  if (results.run_off) keys.push_back("lifetime_value");
  for (const std::string& key : keys) {
    const auto it = std::find_if(metrics.begin(), metrics.end(), [&](const Metric& m) { return m.key == key; });
    if (it == metrics.end()) continue;
    view.kpis.push_back({it->key, it->label, it->unit, scaled(it->value, it->unit == "%" ? 100.0 : 1.0)});
  }

  std::string problem;
  const std::vector<std::string> stages = touchpoint_stages(results, &problem);
  if (!problem.empty()) view.notes.push_back("Stages: " + problem + "; the Sankey diagram orders them by distance.");
  view.sankey = sankey_model(results, stages);
  if (problem.empty()) view.stages = stage_bars(results, stages);

  const std::vector<SeriesSummary> series = summarize_series(results);
  std::vector<std::pair<std::string, std::string>> aware;
  for (const SeriesSummary& s : series) {
    const std::string prefix = "newly_aware_by_channel/";
    if (s.name.rfind(prefix, 0) == 0) aware.emplace_back(s.name, "channel " + s.name.substr(prefix.size()));
  }
  aware.emplace_back("newly_aware_word_of_mouth", "word of mouth");
  view.series.push_back(series_chart("series-aware", "Newly aware per day, by channel and by word of mouth",
                                     "customers made aware (count per day)", series, aware, true));
  view.series.push_back(series_chart("series-purchases", "Purchases per day", "purchases (count per day)", series,
                                     {{"purchases", "all purchases"}, {"new_purchasers", "first purchases"}}, true));
  view.series.push_back(series_chart("series-advocates", "Active advocates at the end of each day",
                                     "active advocates (count)", series, {{"active_advocates", "active advocates"}},
                                     true));
  LineChart rating = series_chart("series-rating", "Public rating in force at the end of each day",
                                  "public rating (0 to 1)", series, {{"public_rating", "public rating"}}, false);
  if (has_defined_value(rating)) {
    view.series.push_back(std::move(rating));
  } else {
    view.notes.push_back("Public rating: n/a, the scenario has no reviews.");
  }
  const auto initial = std::find_if(series.begin(), series.end(),
                                    [](const SeriesSummary& s) { return s.name == "newly_aware_initial"; });
  if (initial != series.end() && !initial->days.empty() && initial->days[0].mean > 0) {
    view.notes.push_back(fmt::format("Initial awareness: {} customers aware at day 0 (not drawn in the daily chart).",
                                     io_detail::format_count(initial->days[0].mean)));
  }
  if (results.runs.size() < 2) view.notes.push_back("One replication: no confidence intervals or bands.");
  return view;
}

ComparisonView comparison_view(const Comparison& comparison) {
  ComparisonView view;
  view.title = comparison.baseline.scenario_name;
  view.paired = comparison.pairing == Pairing::paired;
  view.two_files = comparison.two_files;
  std::vector<std::vector<MetricComparison>> per_arm;
  for (std::size_t a = 0; a < comparison.arms.size(); ++a) {
    view.arms.push_back(comparison.arms[a].label);
    per_arm.push_back(comparison.metrics(a));
  }
  for (const std::string& key : chart_keys()) {
    DeltaPanel panel{key, "", metric_unit(key), {}};
    bool any = false;
    for (std::size_t a = 0; a < per_arm.size(); ++a) {
      const auto it = std::find_if(per_arm[a].begin(), per_arm[a].end(),
                                   [&](const MetricComparison& m) { return m.key == key; });
      if (it == per_arm[a].end()) continue;
      panel.label = it->label;
      const Interval delta = scaled(it->difference.delta, panel.unit == "%" ? 100.0 : 1.0);
      any = any || std::isfinite(delta.mean);
      panel.bars.push_back({view.arms[a], delta, it->significant()});
    }
    if (any) view.deltas.push_back(std::move(panel));
  }
  view.runs.push_back(run_view(comparison.baseline));
  for (const Results& arm : comparison.arms) view.runs.push_back(run_view(arm));
  return view;
}

StepView step_view(const Comparison& comparison, const std::optional<std::vector<StoredPair>>& pairs) {
  StepView view;
  if (!pairs) {
    view.note = "Step by step is not shown: this comparison file has no arm-vs-arm differences (no /pairs group), "
                "so each arm's difference from the arm before it cannot be read from it. The differences below are "
                "each arm − the baseline.";
    return view;
  }
  const std::size_t n = comparison.arms.size();
  if (n == 0) {
    view.note = "Step by step is not shown: the comparison has no arms.";
    return view;
  }
  // step[k][metric]: arm k − arm k−1 (display units come later).
  std::vector<std::map<std::string, Interval>> step(n);
  for (const MetricComparison& m : comparison.metrics(0)) step[0][m.key] = m.difference.delta;
  view.steps.push_back(comparison.arms[0].label + " \u2212 " +
                       (comparison.baseline.label.empty() ? std::string("baseline") : comparison.baseline.label));
  for (std::size_t k = 1; k < n; ++k) {
    const std::string& later = comparison.arms[k].label;
    const std::string& earlier = comparison.arms[k - 1].label;
    bool found = false;
    for (const StoredPair& pair : *pairs) {
      const bool forward = pair.arm == later && pair.versus == earlier;
      const bool backward = pair.arm == earlier && pair.versus == later;
      if (!forward && !backward) continue;
      for (const auto& [key, delta] : pair.delta) {
        if (forward) {
          step[k][key] = delta;
        } else {  // earlier − later: turn it around
          Interval turned{-delta.mean, {}, {}};
          if (delta.high) turned.low = -*delta.high;
          if (delta.low) turned.high = -*delta.low;
          step[k][key] = turned;
        }
      }
      found = true;
      break;
    }
    if (!found) {
      view.note = "Step by step is not shown: the file has no stored difference between '" + later + "' and '" +
                  earlier + "'.";
      return view;
    }
    view.steps.push_back(later + " \u2212 " + earlier);
  }
  for (const std::string& key : chart_keys()) {
    const MetricDefinition* metric = find_metric(key);
    DeltaPanel panel{key, metric == nullptr ? key : metric->label, metric_unit(key), {}};
    panel.versus = "each arm \u2212 the arm before";
    panel.chart = "step";
    bool any = false;
    for (std::size_t k = 0; k < n; ++k) {
      const auto it = step[k].find(key);
      if (it == step[k].end()) continue;
      const Interval delta = scaled(it->second, panel.unit == "%" ? 100.0 : 1.0);
      any = any || std::isfinite(delta.mean);
      const bool significant = delta.low && delta.high && (*delta.low > 0 || *delta.high < 0);
      panel.bars.push_back({comparison.arms[k].label, delta, significant});
    }
    if (any) view.panels.push_back(std::move(panel));
  }
  view.available = true;
  return view;
}

SweepView sweep_view(const SweepData& sweep) {
  SweepView view;
  view.title = sweep.scenario_name;
  view.parameters = sweep.parameters;
  view.points = sweep.points;
  view.done = static_cast<std::size_t>(
      std::count_if(sweep.done.begin(), sweep.done.end(), [](std::uint8_t d) { return d != 0; }));
  const std::size_t n_params = sweep.parameters.size();
  const auto parameter = [&](std::size_t point, std::size_t p) {
    return sweep.parameter_values[point * n_params + p];
  };
  const auto summary_of = [&](std::size_t metric, std::size_t point, double factor) {
    const auto& s = sweep.summary[metric];
    Interval value{s[point * 3] * factor, {}, {}};
    if (std::isfinite(s[point * 3 + 1]) && std::isfinite(s[point * 3 + 2])) {
      value.low = s[point * 3 + 1] * factor;
      value.high = s[point * 3 + 2] * factor;
    }
    return value;
  };
  const bool done_known = sweep.done.size() == sweep.points;
  const std::vector<bool> log_axis = log_parameters(sweep);
  const auto finished = [&](std::size_t point) { return !done_known || sweep.done[point] != 0; };

  // Two parameters on a full grid (every pair once) make heat maps.
  std::vector<double> xs, ys;
  bool grid = false;
  if (n_params == 2) {
    std::set<double> ux, uy;
    std::set<std::pair<double, double>> pairs;
    for (std::size_t i = 0; i < sweep.points; ++i) {
      ux.insert(parameter(i, 0));
      uy.insert(parameter(i, 1));
      pairs.insert({parameter(i, 0), parameter(i, 1)});
    }
    grid = pairs.size() == sweep.points && ux.size() * uy.size() == sweep.points && ux.size() > 1 && uy.size() > 1;
    xs.assign(ux.begin(), ux.end());
    ys.assign(uy.begin(), uy.end());
  }
  if (n_params == 2 && !grid) view.notes.push_back("The two parameters were sampled, not a grid: each is drawn on its own.");

  for (const std::string& key : chart_keys()) {
    const auto found = std::find(sweep.metric_keys.begin(), sweep.metric_keys.end(), key);
    if (found == sweep.metric_keys.end()) continue;
    const std::size_t m = static_cast<std::size_t>(found - sweep.metric_keys.begin());
    if (m >= sweep.summary.size() || sweep.summary[m].size() != sweep.points * 3) continue;
    const MetricDefinition* definition = find_metric(key);
    const std::string unit = definition ? definition->unit : "";
    const std::string label = definition ? definition->label : key;
    const double factor = unit == "%" ? 100.0 : 1.0;
    bool defined = false;
    for (std::size_t i = 0; i < sweep.points; ++i) defined = defined || (finished(i) && std::isfinite(sweep.summary[m][i * 3]));
    if (!defined) {
      view.notes.push_back(label + ": n/a at every point (undefined), not drawn.");
      continue;
    }
    if (grid) {
      HeatMap map{"heat-" + key, label, sweep.parameters[0], sweep.parameters[1], unit, xs, ys,
                  std::vector<double>(xs.size() * ys.size(), kNaN)};
      for (std::size_t i = 0; i < sweep.points; ++i) {
        if (!finished(i)) continue;
        const std::size_t ix = static_cast<std::size_t>(std::lower_bound(xs.begin(), xs.end(), parameter(i, 0)) - xs.begin());
        const std::size_t iy = static_cast<std::size_t>(std::lower_bound(ys.begin(), ys.end(), parameter(i, 1)) - ys.begin());
        map.values[iy * xs.size() + ix] = summary_of(m, i, factor).mean;
      }
      view.heat_maps.push_back(std::move(map));
      continue;
    }
    // One curve per parameter: the metric against it, points in parameter order.
    for (std::size_t p = 0; p < n_params; ++p) {
      std::vector<std::size_t> order;
      for (std::size_t i = 0; i < sweep.points; ++i)
        if (finished(i)) order.push_back(i);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return parameter(a, p) < parameter(b, p); });
      Line line{label, {}, {}};
      for (std::size_t i : order) {
        line.x.push_back(parameter(i, p));
        line.y.push_back(summary_of(m, i, factor));
      }
      const bool one = n_params == 1;
      // With several parameters and no grid slice, neighbours in one
      // parameter differ in the others too: a line through them would zigzag.
      const bool scatter = n_params > 1;
      LineChart chart{"curve-" + key + (one ? "" : "-" + std::to_string(p)),
                      label + " against " + sweep.parameters[p],
                      sweep.parameters[p] + (log_axis[p] ? " (log scale)" : " (the scenario's unit)"),
                      // A long name would run off the rotated axis; the legend names it anyway.
                      axis_label(label, unit).size() > 36 ? unit_text(unit) : axis_label(label, unit),
                      {std::move(line)},
                      unit == "count" || unit == "money" || unit == "%",
                      order.size() <= 60,
                      log_axis[p],
                      scatter};
      view.curves.push_back(std::move(chart));
    }
  }
  if (n_params > 1 && !grid) {
    view.notes.push_back("With several parameters each curve is the metric against one of them, the others varying "
                         "too: read it as a scatter of main effects, not a slice.");
  }
  if (view.done < view.points) {
    view.notes.push_back(fmt::format("{} of {} points finished; the rest are not drawn (journeysim sweep --resume runs them).",
                                     view.done, view.points));
  }
  if (sweep.replications < 2) view.notes.push_back("One replication per point: no confidence bands.");
  return view;
}

}  // namespace journeysim::report
