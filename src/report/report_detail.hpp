#pragma once
// Shared by the report's model and writers (src/report/*.cpp).
#include <string>
#include <string_view>
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

// About how wide `text` is drawn at `font_px` (system-ui averages well under
// 0.6 em a character; bold headings a little more): enough to keep labels
// from running into each other.
inline double text_width(std::string_view text, double font_px, double em_per_char = 0.6) {
  std::size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  return static_cast<double>(chars) * font_px * em_per_char;
}

// `text` as is when it fits in `room` pixels, else cut with an ellipsis to
// fit ("" when not even one character and the ellipsis do).
inline std::string fit_text(const std::string& text, double room, double font_px, double em_per_char = 0.6) {
  if (text_width(text, font_px, em_per_char) <= room) return text;
  const double per_char = font_px * em_per_char;
  const long keep = static_cast<long>(room / per_char) - 1;  // one for the ellipsis
  if (keep < 1) return "";
  std::size_t chars = 0, cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == static_cast<std::size_t>(keep)) {
      cut = i;
      break;
    }
  }
  return text.substr(0, cut) + "\xE2\x80\xA6";
}

// The y values a line chart spans (means and CI bounds, from 0 for a count);
// lo > hi when it has no finite value.
std::pair<double, double> line_chart_y_extent(const LineChart& chart);

// line_chart_svg with the y axis over `y_range` (widened to the chart's own
// extent where that is larger): charts of one series side by side share it.
std::string line_chart_svg(const LineChart& chart, double width, double height,
                           const std::pair<double, double>* y_range);

}  // namespace journeysim::report
