#pragma once
// `journeysim report`: result files (run, compare, sweep) → one
// self-contained HTML page whose charts are inline SVG drawn here.
//
// Data flows one way: the HDF5 readers (io.hpp, sweep.hpp) → the statistics
// summaries (statistics.hpp) → the report model below (plain numbers ready to
// draw, in display units) → the SVG and HTML writers. The model is public so
// tests can check what a chart will show without parsing SVG.
//
//   std::vector<ReportSource> sources{read_report_source("run.h5")};
//   write_text_atomically("report.html", report_html(sources));
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "journeysim/comparison.hpp"
#include "journeysim/results.hpp"
#include "journeysim/statistics.hpp"
#include "journeysim/sweep.hpp"

namespace journeysim {

enum class ResultFileKind { run, comparison, sweep };

// One arm-vs-arm difference as a comparison file stores it under
// /pairs/<A vs B>: delta[metric] = arm − versus (mean, 95% CI) in the file's
// data units (rates as fractions), for every headline metric.
struct StoredPair {
  std::string label, arm, versus;
  std::map<std::string, Interval> delta;
};

// One input file, read by the project's readers.
struct ReportSource {
  std::string path;
  ResultFileKind kind = ResultFileKind::run;
  std::optional<Results> run;
  std::optional<Comparison> comparison;
  std::optional<SweepData> sweep;
  // A comparison file's /pairs group; nullopt when the file has none (the
  // group is there, empty, for a comparison of one arm).
  std::optional<std::vector<StoredPair>> pairs;
};

// What `journeysim report` was asked for beyond the files.
struct ReportOptions {
  std::string title;   // the page's <title> and heading ("" → "journeysim report: FILE")
  bool steps = false;  // comparisons: a "Step by step" section, each arm − the arm before
};

// Which kind of journeysim file `path` is, from its root `format` attribute.
// Throws InputError, saying why, for a missing file, a directory, a file that
// is not HDF5, or an HDF5 file of no journeysim kind.
ResultFileKind result_file_kind(const std::string& path);
// Reads the file with the reader of its kind (throws as those do).
ReportSource read_report_source(const std::string& path);

// The whole page: a section per source, in order.
std::string report_html(const std::vector<ReportSource>& sources, const ReportOptions& options = {});

namespace report {

// ---- the model --------------------------------------------------------------

// A headline number with its 95% CI, in display units (percent for "%").
struct Kpi {
  std::string key, label, unit;  // unit as MetricDefinition::unit
  Interval value;
};

// Customer flows. Nodes are entries (column 0), touchpoints (a column per
// stage, in stage order) and drop-off (the last column); a link's value is a
// traversal count (mean across replications).
struct SankeyNode {
  std::string name;   // "channel:search", "website", "drop-off"
  std::string label;  // what the chart prints
  std::string kind;   // "entry", a stage name, "drop-off"
  int column = 0;
};
struct SankeyLink {
  std::size_t from = 0, to = 0;  // node indices
  double value = 0.0;
};
struct SankeyModel {
  std::vector<SankeyNode> nodes;
  std::vector<SankeyLink> links;
};
// `stages[t]` is touchpoint t's stage ("" when unknown: then touchpoints are
// placed by their distance from the entries).
SankeyModel sankey_model(const Results& results, const std::vector<std::string>& stages);

// One bar of the stage view: visits to the touchpoints of a stage, and the
// customers the run counts at that stage (aware, purchasers, advocates).
struct StageBar {
  std::string stage;
  std::vector<std::string> touchpoints;
  Interval visits;
  std::string customers_label;  // "aware", "purchasers", "advocates" or ""
  Interval customers;
  // Moves into the stage's touchpoints from an entry or an earlier stage:
  // how many times customers arrived at the stage going forward (a customer
  // who comes back after a loop arrives again), for every stage.
  Interval arrivals;
};
std::vector<StageBar> stage_bars(const Results& results, const std::vector<std::string>& stages);

// A line with its CI band (low/high may be missing: no band there).
struct Line {
  std::string label;
  std::vector<double> x;
  std::vector<Interval> y;
};
struct LineChart {
  std::string id;       // data-chart, e.g. "series-purchases"
  std::string title;
  std::string x_label;  // with the unit, e.g. "day"
  std::string y_label;  // with the unit
  std::vector<Line> lines;
  bool y_from_zero = true;  // counts start at 0; a rating or NPS need not
  bool points = false;      // mark every point (sparse x, e.g. a sweep)
  bool x_log = false;       // a log x axis (a sweep's log: grid); ignored unless every x > 0
  bool scatter = false;     // dots only, no line or band (a sampled sweep: x is not an order)
};

// Arm − baseline for one metric, each arm a bar with its CI whisker.
struct DeltaBar {
  std::string arm;
  Interval delta;  // display units
  bool significant = false;
};
struct DeltaPanel {
  std::string key, label, unit;
  std::vector<DeltaBar> bars;
  std::string versus = "arm − baseline";  // what a bar is the difference of, for the chart's title
  std::string chart = "delta";            // data-chart is "<chart>-<key>"
};

// A metric over two parameters: values[iy * xs.size() + ix], NaN where not run.
struct HeatMap {
  std::string id, title, x_label, y_label, unit;
  std::vector<double> xs, ys, values;
};

// What a run file's section shows.
struct RunView {
  std::string title;
  std::vector<Kpi> kpis;
  SankeyModel sankey;
  std::vector<StageBar> stages;
  std::vector<LineChart> series;
  std::vector<std::string> notes;  // what could not be drawn, and why
};
RunView run_view(const Results& results);

struct ComparisonView {
  std::string title;
  bool paired = true, two_files = false;
  std::vector<std::string> arms;
  std::vector<DeltaPanel> deltas;
  std::vector<RunView> runs;  // baseline first, then the arms
};
ComparisonView comparison_view(const Comparison& comparison);

// Step by step: arm k − arm k−1 for every arm (the first arm − the baseline),
// per metric the comparison charts. The first step is the comparison's own
// arm-vs-baseline delta; the others are the file's stored pairs (A vs B is
// A − B, turned around where the later arm comes second). Without pairs
// (nullopt), or without the pair a step needs, `available` is false and
// `note` says why.
struct StepView {
  bool available = false;
  std::string note;
  std::vector<std::string> steps;  // "3_reviews − 2_loops", in arm order
  std::vector<DeltaPanel> panels;  // a bar per step, labelled with the later arm
};
StepView step_view(const Comparison& comparison, const std::optional<std::vector<StoredPair>>& pairs);

struct SweepView {
  std::string title;
  std::vector<std::string> parameters;
  std::size_t points = 0, done = 0;
  std::vector<LineChart> curves;   // one parameter, or each parameter of several
  std::vector<HeatMap> heat_maps;  // two parameters on a full grid
  std::vector<std::string> notes;
};
SweepView sweep_view(const SweepData& sweep);

// A value as the tables print it ("10.71%", "6.82", "2.60 d"); "n/a" for NaN.
std::string format_kpi(double value, const std::string& unit);
// "95% CI [a, b]", or why there is none.
std::string format_ci(const Interval& value, const std::string& unit);
// The axis text of a unit: "%", "money", "days", "NPS", "count".
std::string unit_text(const std::string& unit);
// A delta as the delta charts print it ("+5,584", "−1.20 pp", "n/a").
std::string format_delta(double value, const std::string& unit);

// ---- the touchpoint map (Graphviz) ------------------------------------------

// The scenario a run file keeps, laid out by Graphviz (graph_to_dot with the
// run's flows as edge widths, then dot_to_svg), as an inline <svg> with
// data-chart="touchpoint-map"; "" when it cannot be drawn (no scenario text,
// Graphviz missing or failing), and `note` then says why. Never throws for
// those: a report without Graphviz still has every other chart.
std::string touchpoint_map_svg(const Results& results, const std::string& source, std::string& note);
// The same for a scenario's text alone (a sweep's), without flows.
std::string touchpoint_map_svg(const std::string& scenario_text, const std::string& scenario_name,
                               std::string& note);
// Graphviz's SVG output made fit to sit inline in a page: from <svg> to
// </svg>, comments dropped, every id prefixed with `id_prefix` (several maps
// per page), nodes and edges classed "mark" and counted in data-marks.
std::string inline_graphviz_svg(const std::string& graphviz_svg, const std::string& id_prefix);

// ---- the SVG writers (inline <svg> elements) -------------------------------

std::string sankey_svg(const SankeyModel& model, double width);
std::string stage_svg(const std::vector<StageBar>& bars, double width);
std::string line_chart_svg(const LineChart& chart, double width, double height);
std::string delta_svg(const DeltaPanel& panel, double width);
std::string heat_map_svg(const HeatMap& map, double width);

}  // namespace report
}  // namespace journeysim
