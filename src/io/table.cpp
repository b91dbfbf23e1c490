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
#include "journeysim/io.hpp"

namespace journeysim {

namespace {

using io_detail::mean_over_runs;
using io_detail::safe_div;

// "1234567.891" with 2 decimals -> "1,234,567.89".
std::string grouped(double x, int decimals) {
  if (!std::isfinite(x)) return "n/a";
  std::string digits = fmt::format("{:.{}f}", std::fabs(x), decimals);
  if (digits.find_first_not_of("0.") == std::string::npos) x = 0.0;  // no "-0.00"
  const std::size_t point = std::min(digits.find('.'), digits.size());
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i < point && (point - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return x < 0 ? "-" + out : out;
}

// Counts are integers with one replication; means of several keep a decimal.
std::string format_count(double x) {
  return grouped(x, std::floor(x) == x ? 0 : 1);
}

std::string format_value(double x, const std::string& unit) {
  if (!std::isfinite(x)) return "n/a";
  if (unit == "%") return grouped(100.0 * x, std::fabs(x) < 0.001 && x != 0.0 ? 4 : 2) + "%";
  if (unit == "money") return grouped(x, 2);
  if (unit == "days") return grouped(x, 2) + " d";
  if (unit == "count") return format_count(x);
  if (unit == "score") return grouped(x, 1);  // NPS
  return grouped(x, 3);                      // satisfaction, rating
}

std::string format_interval(const Interval& value, const std::string& unit) {
  if (!value.low || !value.high) return "";
  const auto bound = [&](double x) {
    // Counts get one decimal in intervals: the bounds are rarely whole.
    return unit == "count" ? grouped(x, 1) : format_value(x, unit);
  };
  return fmt::format("[{}, {}]", bound(*value.low), bound(*value.high));
}

std::string rule(std::size_t width, const char* piece = "─") {
  std::string out;
  for (std::size_t i = 0; i < width; ++i) out += piece;
  return out;
}

// Display width of UTF-8 text (code points; good enough for names and labels).
std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (unsigned char c : text) width += (c & 0xC0) != 0x80;
  return width;
}

std::string pad_right(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return w >= width ? text : text + std::string(width - w, ' ');
}

std::string pad_left(const std::string& text, std::size_t width) {
  const std::size_t w = display_width(text);
  return w >= width ? text : std::string(width - w, ' ') + text;
}

// A simple column table: first column left-aligned, the rest right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void separator() { rows_.emplace_back(); }

  std::string render() const {
    std::vector<std::size_t> widths(header_.size(), 0);
    const auto measure = [&](const std::vector<std::string>& cells) {
      for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
        widths[i] = std::max(widths[i], display_width(cells[i]));
      }
    };
    measure(header_);
    for (const auto& cells : rows_) measure(cells);
    std::size_t total = 0;
    for (std::size_t w : widths) total += w + 2;
    total -= 2;
    std::string out = "  " + line(header_, widths) + "\n  " + rule(total) + "\n";
    for (const auto& cells : rows_) {
      out += cells.empty() ? "  " + rule(total, "·") + "\n" : "  " + line(cells, widths) + "\n";
    }
    return out;
  }

 private:
  static std::string line(const std::vector<std::string>& cells,
                          const std::vector<std::size_t>& widths) {
    std::string out;
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      if (i > 0) out += "  ";
      out += i == 0 ? pad_right(cell, widths[i]) : pad_left(cell, widths[i]);
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }

  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string header(const Results& results) {
  std::string title = fmt::format("journeysim {} — {}", JOURNEYSIM_VERSION,
                                  results.scenario_name.empty() ? "(unnamed scenario)"
                                                                : results.scenario_name);
  if (!results.strategy.empty()) title += fmt::format("  [strategy: {}]", results.strategy);
  const std::size_t runs = results.runs.size();
  const std::string facts = fmt::format(
      "market {} · horizon {} days · step {} d · seed {} · {} replication{} · {} thread{}",
      grouped(static_cast<double>(results.market_size), 0), results.horizon_days, results.step_days, results.seed, runs, runs == 1 ? "" : "s", results.threads,
      results.threads == 1 ? "" : "s");
  std::string out = title + "\n" + facts + "\n";
  if (!results.scenario_path.empty()) out += "scenario file " + results.scenario_path + "\n";
  return out;
}

// Themes for the metric rows; metrics not listed go to the last one.
const char* theme_of(const std::string& key) {
  static const std::set<std::string> reach = {"aware", "purchasers", "conversion_rate",
                                              "market_penetration", "purchases"};
  static const std::set<std::string> loyalty = {"advocates", "advocacy_rate", "nps",
                                                "mean_satisfaction", "public_rating",
                                                "active_advocates", "reviews"};
  static const std::set<std::string> money = {"revenue", "cost", "clv", "cac"};
  static const std::set<std::string> timing = {"time_to_first_purchase_mean",
                                               "time_to_first_purchase_p50",
                                               "time_to_first_purchase_p90", "journey_days_mean"};
  if (reach.count(key)) return "Reach and conversion";
  if (loyalty.count(key)) return "Experience and advocacy";
  if (money.count(key)) return "Economics";
  if (timing.count(key)) return "Timing";
  return "Run state";
}

std::string metrics_section(const Results& results) {
  const std::vector<Metric> metrics = summarize(results);
  const bool intervals = results.runs.size() > 1;
  std::vector<std::string> head{"Metric", results.runs.size() > 1 ? "Mean" : "Value"};
  if (intervals) head.push_back("95% CI");
  Table table(head);
  for (const char* theme : {"Reach and conversion", "Experience and advocacy", "Economics",
                            "Timing", "Run state"}) {
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

std::string touchpoints_section(const Results& results) {
  if (results.touchpoints.empty()) return "";
  Table table({"Touchpoint", "Visits", "Drop-offs", "Drop-off %", "Purchases", "Cost/visit",
               "Cost"});
  double visits_total = 0, dropoffs_total = 0, purchases_total = 0, cost_total = 0;
  for (std::size_t t = 0; t < results.touchpoints.size(); ++t) {
    const double visits = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_visits; });
    const double dropoffs = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_dropoffs; });
    const double purchases = mean_over_runs(
        results, t, [](const RunResult& r) -> const auto& { return r.touchpoint_purchases; });
    const double cost = visits * results.touchpoint_cost[t];
    visits_total += visits;
    dropoffs_total += dropoffs;
    purchases_total += purchases;
    cost_total += cost;
    table.row({results.touchpoints[t], format_count(visits), format_count(dropoffs),
               visits > 0 ? format_value(safe_div(dropoffs, visits), "%") : "–",
               format_count(purchases), grouped(results.touchpoint_cost[t], 2),
               grouped(cost, 2)});
  }
  table.separator();
  table.row({"total", format_count(visits_total), format_count(dropoffs_total),
             visits_total > 0 ? format_value(safe_div(dropoffs_total, visits_total), "%") : "–",
             format_count(purchases_total), "", grouped(cost_total, 2)});
  const std::string note =
      results.runs.size() > 1 ? " (means over replications)" : "";
  std::string dropped;
  for (std::size_t e = 0; e < results.entries.size(); ++e) {
    const double count = mean_over_runs(
        results, e, [](const RunResult& r) -> const auto& { return r.entry_dropoffs; });
    if (count > 0.0)
      dropped += fmt::format("  {} aware through {} entered no touchpoint (dropped off at once)\n",
                             format_count(count), results.entries[e]);
  }
  return "Touchpoints" + note + "\n" + table.render() + dropped;
}

std::string segments_section(const Results& results) {
  if (results.segments.size() < 2) return "";
  Table table({"Segment", "Aware", "Purchasers", "Conversion", "NPS", "Satisfaction", "Revenue",
               "Advocates"});
  const double runs = std::max<double>(1.0, static_cast<double>(results.runs.size()));
  for (std::size_t s = 0; s < results.segments.size(); ++s) {
    double aware = 0, purchasers = 0, conversion = 0, nps = 0, satisfaction = 0, revenue = 0,
           advocates = 0;
    for (const RunResult& run : results.runs) {
      const SegmentTally seg = io_detail::at_or_zero(run.segments, s);
      const auto d = [](std::uint64_t x) { return static_cast<double>(x); };
      aware += d(seg.aware);
      purchasers += d(seg.purchasers);
      conversion += safe_div(d(seg.purchasers), d(seg.aware));
      nps += 100.0 * safe_div(d(seg.promoters) - d(seg.detractors), d(seg.purchasers));
      satisfaction += safe_div(seg.satisfaction_sum, d(seg.satisfaction_count));
      revenue += seg.revenue;
      advocates += d(seg.advocates);
    }
    table.row({results.segments[s], format_count(aware / runs), format_count(purchasers / runs),
               format_value(conversion / runs, "%"), grouped(nps / runs, 1),
               grouped(satisfaction / runs, 3), grouped(revenue / runs, 2),
               format_count(advocates / runs)});
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
    out += metrics_section(results) + "\n";
    const std::string touchpoints = touchpoints_section(results);
    if (!touchpoints.empty()) out += touchpoints + "\n";
    const std::string segments = segments_section(results);
    if (!segments.empty()) out += segments + "\n";
  }
  out += footer(results) + "\n";
  return out;
}

}  // namespace journeysim
