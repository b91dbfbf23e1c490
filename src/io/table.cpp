// The terminal report strategists read: run header, headline metrics with
// 95% CIs grouped by theme, touchpoint table, segment breakdown, run facts.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "io/detail.hpp"
#include "io/text_format.hpp"
#include "journeysim/io.hpp"

namespace journeysim {

namespace io_detail {

std::string threads_text(const Results& results) {
  const std::string threads = fmt::format("{} thread{}", results.threads, results.threads == 1 ? "" : "s");
  return results.processes > 1 ? fmt::format("{} processes × {}", results.processes, threads) : threads;
}

}  // namespace io_detail

namespace {

using namespace io_detail;

std::string header(const Results& results) {
  std::string title = fmt::format("journeysim {} — {}", JOURNEYSIM_VERSION,
                                  results.scenario_name.empty() ? "(unnamed scenario)"
                                                                : results.scenario_name);
  if (!results.strategy.empty()) title += fmt::format("  [strategy: {}]", results.strategy);
  const std::size_t runs = results.runs.size();
  const std::string facts = fmt::format(
      "market {} · horizon {} days · step {} d · seed {} · {} replication{} · {}",
      grouped(static_cast<double>(results.market_size), 0), results.horizon_days, results.step_days, results.seed,
      runs, runs == 1 ? "" : "s", threads_text(results));
  std::string out = title + "\n" + facts + "\n";
  if (!results.scenario_path.empty()) out += "scenario file " + results.scenario_path + "\n";
  return out;
}

std::string metrics_section(const Results& results) {
  const std::vector<Metric> metrics = summarize(results);
  const bool intervals = results.runs.size() > 1;
  std::vector<std::string> head{"Metric", results.runs.size() > 1 ? "Mean" : "Value"};
  if (intervals) head.push_back("95% CI");
  Table table(head);
  for (const char* theme : metric_themes()) {
    bool first = true;
    for (const Metric& metric : metrics) {
      if (std::string(theme_of(metric.key)) != theme) continue;
      if (first) {
        table.row({std::string(theme)});
        first = false;
      }
      std::vector<std::string> cells{"  " + metric.label,
                                     format_value(metric.value.mean, metric.unit)};
      if (intervals) cells.push_back(format_interval(metric.value, metric.unit));
      table.row(std::move(cells));
    }
  }
  return table.render();
}

// `text` as lines of at most `width` characters, broken at spaces.
std::string wrapped(const std::string& text, std::size_t width = 100) {
  std::string out, line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    start = end + 1;
  }
  return line.empty() ? out : out + line + "\n";
}

// Under the metrics: journeys stopped by the per-customer event cap are not
// finished, and what they would have done next is missing from every number.
std::string truncation_note(const Results& results) {
  std::uint64_t truncated = 0, run_off_truncated = 0;
  for (const RunResult& run : results.runs) {
    truncated += run.truncated;
    run_off_truncated += run.run_off_truncated;
  }
  if (truncated == 0 && run_off_truncated == 0) return "";
  const std::size_t runs = results.runs.size();
  const auto how_many = [runs](std::uint64_t total) {
    const std::string all = grouped(static_cast<double>(total), 0);
    if (runs < 2) return all + (total == 1 ? " journey" : " journeys");
    return fmt::format("{} journeys in all ({} per replication on average)", all,
                       format_count(static_cast<double>(total) / static_cast<double>(runs)));
  };
  std::string note = "Note:";
  if (truncated > 0)
    note += fmt::format(" {} hit the per-customer event cap and were stopped: their later events were not "
                        "simulated, so the results leave out what they would have done next.",
                        how_many(truncated));
  if (run_off_truncated > 0)
    note += fmt::format(" {} of the run-off past the horizon hit the event cap, so lifetime value leaves out "
                        "their later events.",
                        how_many(run_off_truncated));
  note += " Raise the cap with --max-events N (default 1,000,000 events per customer).";
  return wrapped(note);
}

std::string touchpoints_section(const Results& results) {
  if (results.touchpoints.empty()) return "";
  const std::vector<TouchpointSummary> touchpoints = summarize_touchpoints(results);
  // Columns for refunds and retention spending only where a scenario has them.
  bool refunds = false, retention = false;
  for (const TouchpointSummary& touchpoint : touchpoints) {
    refunds = refunds || touchpoint.refund_amount > 0.0;
    retention = retention || touchpoint.cost_retention.mean > 0.0;
  }
  std::vector<std::string> head{"Touchpoint", "Visits", "Drop-offs", "Drop-off %", "Purchases"};
  if (refunds) head.push_back("Refunds");
  head.insert(head.end(), {"Cost/visit", "Cost"});
  if (retention) head.push_back("Retention");
  head.push_back("Net revenue");
  Table table(head);
  double visits_total = 0, dropoffs_total = 0, purchases_total = 0, refunds_total = 0, cost_total = 0;
  double retention_total = 0, net_total = 0;
  const auto row = [&](std::vector<std::string> cells, double refund_count, std::string cost_per_visit, double cost,
                       double retention_cost, double net) {
    if (refunds) cells.push_back(format_count(refund_count));
    cells.push_back(std::move(cost_per_visit));
    cells.push_back(grouped(cost, 2));
    if (retention) cells.push_back(grouped(retention_cost, 2));
    cells.push_back(grouped(net, 2));
    table.row(std::move(cells));
  };
  for (const TouchpointSummary& touchpoint : touchpoints) {
    const double visits = touchpoint.visits.mean, dropoffs = touchpoint.dropoffs.mean;
    visits_total += visits;
    dropoffs_total += dropoffs;
    purchases_total += touchpoint.purchases.mean;
    refunds_total += touchpoint.refund_count.mean;
    cost_total += touchpoint.cost.mean;
    retention_total += touchpoint.cost_retention.mean;
    net_total += touchpoint.net_revenue.mean;
    row({touchpoint.name, format_count(visits), format_count(dropoffs),
         visits > 0 ? format_value(touchpoint.dropoff_rate, "%") : "–", format_count(touchpoint.purchases.mean)},
        touchpoint.refund_count.mean, grouped(touchpoint.cost_per_visit, 2), touchpoint.cost.mean,
        touchpoint.cost_retention.mean, touchpoint.net_revenue.mean);
  }
  table.separator();
  row({"total", format_count(visits_total), format_count(dropoffs_total),
       visits_total > 0 ? format_value(dropoffs_total / visits_total, "%") : "–", format_count(purchases_total)},
      refunds_total, "", cost_total, retention_total, net_total);
  const std::string note = results.runs.size() > 1 ? " (means over replications)" : "";
  std::string dropped;
  for (const FlowSummary& flow : summarize_flows(results))
    if (flow.entry && flow.dropoff)
      dropped += fmt::format("  {} aware through {} entered no touchpoint (dropped off at once)\n",
                             format_count(flow.traversals.mean), flow.from);
  return "Touchpoints" + note + "\n" + table.render() + dropped;
}

std::string segments_section(const Results& results) {
  if (results.segments.size() < 2) return "";
  Table table({"Segment", "Aware", "Purchasers", "Conversion", "NPS", "Satisfaction", "Net revenue", "CAC", "Profit",
               "Advocates"});
  for (const SegmentSummary& segment : summarize_segments(results)) {
    table.row({segment.name, format_count(segment["aware"].mean), format_count(segment["purchasers"].mean),
               format_value(segment["conversion_rate"].mean, "%"), grouped(segment["nps"].mean, 1),
               grouped(segment["mean_satisfaction"].mean, 3), grouped(segment["net_revenue"].mean, 2),
               grouped(segment["cac"].mean, 2), grouped(segment["profit"].mean, 2),
               format_count(segment["advocates"].mean)});
  }
  return "Segments\n" + table.render();
}

std::string footer(const Results& results) {
  const double rate = results.events_per_second();
  std::string speed;
  if (rate >= 1e6) {
    speed = fmt::format("{:.2f} M events/s", rate / 1e6);
  } else if (rate >= 1e3) {
    speed = fmt::format("{:.1f} k events/s", rate / 1e3);
  } else {
    speed = fmt::format("{:.0f} events/s", rate);
  }
  return fmt::format("{} events · {} · wall {:.3f} s", grouped(static_cast<double>(
                                                                   results.total_events()), 0),
                     speed, results.wall_seconds);
}

}  // namespace

std::string results_to_table(const Results& results) {
  io_detail::check_shapes(results);
  std::string out = header(results) + "\n";
  if (results.runs.empty()) {
    out += "  (no replications were run)\n\n";
  } else {
    out += metrics_section(results);
    out += truncation_note(results) + "\n";
    const std::string touchpoints = touchpoints_section(results);
    if (!touchpoints.empty()) out += touchpoints + "\n";
    const std::string segments = segments_section(results);
    if (!segments.empty()) out += segments + "\n";
  }
  out += footer(results) + "\n";
  return out;
}

}  // namespace journeysim
