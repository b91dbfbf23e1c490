#pragma once
// Shared by the report's model and writers (src/report/*.cpp).
#include <string>
#include <utility>
#include <vector>

#include "journeysim/report.hpp"
#include "journeysim/results.hpp"

namespace journeysim::report {

// The journey's stages in order: awareness → … → advocacy.
inline const std::vector<std::string>& stage_names() {
  static const std::vector<std::string> names{"awareness", "consideration", "purchase", "retention", "advocacy"};
  return names;
}

// Each touchpoint's stage, read from the scenario text the file keeps (with
// the project's loader); "" for every touchpoint when that text is missing or
// does not load, and `problem` then says why.
std::vector<std::string> touchpoint_stages(const Results& results, std::string* problem);

// A colour per stage (Okabe–Ito), grey for drop-off, dark grey for entries.
inline const char* kind_colour(const std::string& kind) {
  if (kind == "awareness") return "#56B4E9";
  if (kind == "consideration") return "#0072B2";
  if (kind == "purchase") return "#009E73";
  if (kind == "retention") return "#E69F00";
  if (kind == "advocacy") return "#CC79A7";
  if (kind == "drop-off") return "#999999";
  if (kind == "entry") return "#444444";
  if (kind == "touchpoint") return "#0072B2";  // no stages known: all alike
  return "#D55E00";  // a touchpoint whose stage is unknown
}

// The y values a line chart spans (means and CI bounds, from 0 for a count);
// lo > hi when it has no finite value.
std::pair<double, double> line_chart_y_extent(const LineChart& chart);

// line_chart_svg with the y axis over `y_range` (widened to the chart's own
// extent where that is larger): charts of one series side by side share it.
std::string line_chart_svg(const LineChart& chart, double width, double height,
                           const std::pair<double, double>* y_range);

}  // namespace journeysim::report
