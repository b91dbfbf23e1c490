// The report page: one self-contained HTML file (no scripts, no fonts, no
// network), a section per input file, charts inline as SVG. The layout is a
// CSS grid that folds to one column on a narrow screen and in print.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "io/text_format.hpp"
#include "journeysim/report.hpp"
#include "report/report_detail.hpp"
#include "report/svg.hpp"

namespace journeysim::report {

namespace {

constexpr double kWide = 920, kHalf = 450;

constexpr const char* kStyle = R"(
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 0 auto;
       max-width: 1000px; padding: 16px 24px 48px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0.4em 0 0.2em; }
h2 { font-size: 1.3rem; margin: 1.6em 0 0.3em; border-bottom: 2px solid #0072B2; padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 1.2em 0 0.3em; }
.meta, .note, figcaption { color: #555; font-size: 0.85rem; }
.note { background: #f6f6f6; border-left: 3px solid #E69F00; padding: 4px 10px; margin: 6px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; margin: 10px 0; }
.card { border: 1px solid #d0d0d0; border-radius: 6px; padding: 8px 12px; break-inside: avoid; }
.card .label { font-size: 0.8rem; color: #444; }
.card .value { font-size: 1.45rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .ci { font-size: 0.75rem; color: #555; font-variant-numeric: tabular-nums; }
figure { margin: 12px 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; display: block; }
figure.map svg { width: 100%; max-width: 100%; height: auto; }
.side > .arm { min-width: 0; }
.side { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 18px; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 8px 18px; }
table { border-collapse: collapse; font-size: 0.85rem; font-variant-numeric: tabular-nums; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e3e3e3; text-align: right; }
th:first-child, td:first-child { text-align: left; }
svg .tick { font-size: 11px; fill: #333; }
svg .axis-title, svg .panel-title { font-size: 12px; font-weight: 600; fill: #222; }
svg .label, svg .legend, svg .value { font-size: 12px; fill: #1a1a1a; }
svg .label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg .inside { font-size: 12px; font-weight: 600; fill: #000; }
svg .inside.inverse { fill: #fff; }
svg .na { font-size: 12px; fill: #777; font-style: italic; }
@media (max-width: 700px) { .side, .panels { grid-template-columns: 1fr; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .side, .panels { grid-template-columns: 1fr 1fr; }
  h2 { break-before: auto; break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
)";

std::string escape(const std::string& text) { return xml_escape(text); }

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>" + svg + (caption.empty() ? "" : "<figcaption>" + escape(caption) + "</figcaption>") + "</figure>\n";
}

std::string notes_html(const std::vector<std::string>& notes) {
  std::string out;
  for (const std::string& note : notes) out += "<p class=\"note\">" + escape(note) + "</p>\n";
  return out;
}

std::string kpi_cards(const std::vector<Kpi>& kpis) {
  std::string out = "<div class=\"cards\">\n";
  for (const Kpi& kpi : kpis) {
    out += fmt::format(
        "<div class=\"card\" data-kpi=\"{}\"><div class=\"label\">{}</div><div class=\"value\">{}</div>"
        "<div class=\"ci\">{}</div></div>\n",
        escape(kpi.key), escape(kpi.label), escape(format_kpi(kpi.value.mean, kpi.unit)),
        escape(format_ci(kpi.value, kpi.unit)));
  }
  return out + "</div>\n";
}

std::string provenance(const Results& results, const std::string& path) {
  std::string out = fmt::format("<p class=\"meta\">File <code>{}</code> · scenario <b>{}</b>", escape(path),
                                escape(results.scenario_name));
  if (!results.strategy.empty()) out += " · strategies " + escape(results.strategy);
  out += fmt::format(" · market {} · {} days · seed {} · {} replication{}", io_detail::grouped(results.market_size, 0),
                     io_detail::grouped(results.horizon_days, 0), results.seed, results.runs.size(),
                     results.runs.size() == 1 ? "" : "s");
  if (!results.created_utc.empty()) out += " · made " + escape(results.created_utc);
  if (!results.git_commit.empty()) out += " · commit " + escape(results.git_commit);
  if (!results.command_line.empty()) out += "<br><code>" + escape(results.command_line) + "</code>";
  return out + "</p>\n";
}

// The touchpoint map with its caption, or the note saying why there is none.
std::string map_figure(const std::string& svg, const std::string& note, const std::string& heading_level,
                       const std::string& caption) {
  std::string out = fmt::format("<{0}>Touchpoint map</{0}>\n", heading_level);
  if (!svg.empty()) out += "<figure class=\"map\">" + svg + "<figcaption>" + escape(caption) + "</figcaption></figure>\n";
  if (!note.empty()) out += notes_html({note});
  return out;
}

constexpr const char* kRunMapCaption =
    "The scenario's touchpoints and transitions (laid out by Graphviz) with the loops that make it an ecosystem: "
    "dashed edges are influences — purchases post reviews that move the public rating, which moves the "
    "rating-elastic transitions; promoters become advocates whose word of mouth brings new customers in. "
    "Edge widths and labels: traversals (mean across replications); nodes: visits.";

// A y range per daily series (by chart id), shared by the arms side by side.
using YRanges = std::map<std::string, std::pair<double, double>>;

// One run's charts; `width` narrower when runs stand side by side, where
// `shared` gives every arm's series the same y axis.
std::string run_charts(const RunView& view, double width, const std::string& heading_level,
                       const Results& results, const std::string& path, const YRanges* shared = nullptr) {
  std::string out;
  std::string map_note;
  const std::string map = touchpoint_map_svg(results, path, map_note);
  out += map_figure(map, map_note, heading_level, kRunMapCaption);
  out += fmt::format("<{0}>Customer flows</{0}>\n", heading_level);
  out += figure(sankey_svg(view.sankey, width),
                "Entries (channels, word of mouth) → touchpoints, a column per stage → drop-off. Widths are traversals "
                "(mean across replications). Loops — links back to an earlier or the same stage — run underneath, each on a lane "
                "of its own named with its count (↺). Hover for counts.");
  if (!view.stages.empty()) {
    out += fmt::format("<{0}>Stages</{0}>\n", heading_level);
    out += figure(stage_svg(view.stages, width),
                  "Visits to the touchpoints of each stage (a visitor can count more than once); on the right, the "
                  "customers the run counts at that stage.");
  }
  out += fmt::format("<{0}>Daily series</{0}>\n", heading_level);
  out += width < kWide ? "" : "<div class=\"panels\">\n";
  for (const LineChart& chart : view.series) {
    const std::pair<double, double>* range = nullptr;
    if (shared) {
      const auto it = shared->find(chart.id);
      if (it != shared->end()) range = &it->second;
    }
    out += figure(line_chart_svg(chart, width < kWide ? width : kHalf, 280, range),
                  chart.title + ". Shaded: 95% CI across replications.");
  }
  out += width < kWide ? "" : "</div>\n";
  return out;
}

std::string run_section(const Results& results, const std::string& path) {
  const RunView view = run_view(results);
  std::string out = "<section class=\"run\">\n<h2>Run: " + escape(view.title) + "</h2>\n";
  out += provenance(results, path);
  out += kpi_cards(view.kpis);
  out += notes_html(view.notes);
  out += run_charts(view, kWide, "h3", results, path);
  return out + "</section>\n";
}

// Step by step: each arm − the arm before it, from the file's arm-vs-arm
// pairs; without them, a note saying why there is no such section.
std::string steps_section(const Comparison& comparison, const std::optional<std::vector<StoredPair>>& pairs) {
  const StepView view = step_view(comparison, pairs);
  if (!view.available) return notes_html({view.note});
  std::string out = "<section class=\"steps\" data-section=\"steps\">\n<h3>Step by step: each arm \u2212 the arm before it, "
                    "with 95% CIs</h3>\n<p class=\"meta\">A bar per step, named by the arm it adds: ";
  for (std::size_t k = 0; k < view.steps.size(); ++k) out += (k ? ", " : "") + escape(view.steps[k]);
  out += comparison.pairing == Pairing::paired
             ? ". Paired differences (common random numbers) as the comparison file stores them (/pairs); each "
               "step is what that arm's change adds on top of the arm before.</p>\n"
             : ". Independent runs (Welch CIs), as the comparison file stores them (/pairs).</p>\n";
  out += "<div class=\"panels\">\n";
  for (const DeltaPanel& panel : view.panels) out += figure(delta_svg(panel, kHalf), "");
  out += "</div>\n<p class=\"meta\">Solid bars and * : the CI excludes 0 (not noise); pale bars: it does not.</p>\n";
  return out + "</section>\n";
}

std::string comparison_section(const Comparison& comparison, const std::string& path,
                               const std::optional<std::vector<StoredPair>>& pairs, bool steps) {
  const ComparisonView view = comparison_view(comparison);
  std::string out = "<section class=\"compare\">\n<h2>Comparison: " + escape(view.title) + "</h2>\n";
  out += provenance(comparison.baseline, path);
  out += fmt::format("<p class=\"meta\">{} · arms: ", view.two_files ? "two scenario files" : "strategies vs baseline");
  for (std::size_t a = 0; a < view.arms.size(); ++a) out += fmt::format("{}{}", a ? ", " : "", escape(view.arms[a]));
  out += view.paired ? " · paired (common random numbers): Student-t CIs of the per-replication differences"
                     : " · independent runs: Welch CIs";
  out += "</p>\n";

  // The headline numbers of every arm side by side.
  out += "<h3>Headline metrics</h3>\n<table><tr><th>Metric</th>";
  for (const RunView& run : view.runs) out += "<th>" + escape(run.title) + "</th>";
  out += "</tr>\n";
  for (std::size_t k = 0; !view.runs.empty() && k < view.runs.front().kpis.size(); ++k) {
    const Kpi& first = view.runs.front().kpis[k];
    out += "<tr><td>" + escape(first.label) + "</td>";
    for (const RunView& run : view.runs) {
      const Kpi& kpi = run.kpis[std::min(k, run.kpis.size() - 1)];
      out += "<td title=\"" + escape(format_ci(kpi.value, kpi.unit)) + "\">" + escape(format_kpi(kpi.value.mean, kpi.unit)) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";

  if (steps) out += steps_section(comparison, pairs);

  out += "<h3>Differences: arm − baseline, with 95% CIs</h3>\n<div class=\"panels\">\n";
  for (const DeltaPanel& panel : view.deltas) {
    out += figure(delta_svg(panel, kHalf), "");
  }
  out += "</div>\n<p class=\"meta\">Solid bars and * : the CI excludes 0 (not noise); pale bars: it does not.</p>\n";

  out += "<h3>Side by side</h3>\n<div class=\"side\">\n";
  // One y range per series across the arms, so equal heights mean equal values.
  YRanges shared;
  for (const RunView& run : view.runs) {
    for (const LineChart& chart : run.series) {
      const auto [lo, hi] = line_chart_y_extent(chart);
      if (!(lo <= hi)) continue;
      const auto [it, fresh] = shared.emplace(chart.id, std::pair{lo, hi});
      if (!fresh) it->second = {std::min(it->second.first, lo), std::max(it->second.second, hi)};
    }
  }
  for (std::size_t r = 0; r < view.runs.size(); ++r) {
    const RunView& run = view.runs[r];
    const Results& results = r == 0 ? comparison.baseline : comparison.arms[r - 1];
    out += "<div class=\"arm\"><h3>" + escape(run.title) + "</h3>\n";
    out += notes_html(run.notes);
    out += run_charts(run, kHalf, "h4", results, path, &shared);
    out += "</div>\n";
  }
  out += "</div>\n";
  return out + "</section>\n";
}

std::string sweep_section(const SweepData& sweep, const std::string& path) {
  const SweepView view = sweep_view(sweep);
  std::string out = "<section class=\"sweep\">\n<h2>Sweep: " + escape(view.title) + "</h2>\n";
  out += fmt::format("<p class=\"meta\">File <code>{}</code> · {} of {} points finished · {} replication{} per point · "
                     "seed {} · market {} · parameters: ",
                     escape(path), view.done, view.points, sweep.replications, sweep.replications == 1 ? "" : "s",
                     sweep.seed, sweep.market_size == 0 ? "the scenario's" : io_detail::grouped(sweep.market_size, 0));
  for (std::size_t p = 0; p < view.parameters.size(); ++p) {
    out += fmt::format("{}<code>{}</code>", p ? ", " : "", escape(view.parameters[p]));
  }
  if (!sweep.strategies.empty()) {
    out += " · strategies ";
    for (std::size_t s = 0; s < sweep.strategies.size(); ++s) out += fmt::format("{}{}", s ? "+" : "", escape(sweep.strategies[s]));
  }
  if (!sweep.command_line.empty()) out += "<br><code>" + escape(sweep.command_line) + "</code>";
  out += "</p>\n";
  out += notes_html(view.notes);
  {
    std::string map_note;
    const std::string map = touchpoint_map_svg(sweep.scenario_text, sweep.scenario_name, map_note);
    out += map_figure(map, map_note, "h3",
                      "The swept scenario as written (before the points' edits), laid out by Graphviz; dashed edges "
                      "are the feedback loops (reviews → public rating → transitions, advocates → word of mouth).");
  }
  if (!view.heat_maps.empty()) {
    out += "<h3>Metrics over the two parameters</h3>\n<div class=\"panels\">\n";
    for (const HeatMap& map : view.heat_maps) {
      out += figure(heat_map_svg(map, kHalf), map.title + " (" + unit_text(map.unit) + "); grey: not run or undefined.");
    }
    out += "</div>\n";
  }
  if (!view.curves.empty()) {
    out += "<h3>Metrics against the parameter" + std::string(view.parameters.size() > 1 ? "s" : "") + "</h3>\n";
    out += "<div class=\"panels\">\n";
    for (const LineChart& chart : view.curves) {
      out += figure(line_chart_svg(chart, kHalf, 280),
                    chart.title + (chart.scatter ? ". A dot per point (mean across replications)."
                                                 : ". Shaded: 95% CI across replications.") +
                        (chart.x_log ? " Log scale: the parameter was swept on a log: grid." : ""));
    }
    out += "</div>\n";
  }
  return out + "</section>\n";
}

}  // namespace

}  // namespace journeysim::report

namespace journeysim {

std::string report_html(const std::vector<ReportSource>& sources, const ReportOptions& options) {
  using namespace report;
  std::string title = "journeysim report";
  if (sources.size() == 1) title += ": " + sources.front().path;
  if (!options.title.empty()) title = options.title;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    // No network: forbid every fetch, so the page is what the file holds.
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                    "img-src data:\">\n<title>" +
                    escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>" + escape(options.title.empty() ? std::string("journeysim report") : options.title) +
         "</h1>\n<p class=\"meta\">" +
         escape(fmt::format("{} file{}, journeysim {}", sources.size(), sources.size() == 1 ? "" : "s", JOURNEYSIM_VERSION)) +
         ". Means across replications with 95% confidence intervals; n/a where a metric is undefined "
         "(e.g. a cost per purchaser without purchasers).</p>\n";
  for (const ReportSource& source : sources) {
    if (source.run) out += run_section(*source.run, source.path);
    if (source.comparison) out += comparison_section(*source.comparison, source.path, source.pairs, options.steps);
    if (options.steps && !source.comparison) {
      out += notes_html({"--steps: '" + source.path + "' is not a comparison file, so it has no steps to show."});
    }
    if (source.sweep) out += sweep_section(*source.sweep, source.path);
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace journeysim
