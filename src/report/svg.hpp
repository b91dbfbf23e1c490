#pragma once
// A tiny SVG builder for the report's charts. Every piece of text and every
// attribute value goes through xml_escape, so a touchpoint called
// `<script>` or a name that is not valid UTF-8 cannot break the page.
// Coordinates are written with one decimal: enough for a screen or print,
// and it keeps a 1,000-point sweep's curves small.
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace journeysim::report {

// Okabe & Ito's palette, safe for the common colour-vision deficiencies.
// Yellow (#F0E442) is left out: it is unreadable on white.
inline constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                           "#CC79A7", "#56B4E9", "#000000"};
inline constexpr std::size_t kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);
inline const char* palette(std::size_t i) { return kPalette[i % kPaletteSize]; }

// &, <, >, " and ' as entities; control characters XML forbids dropped;
// bytes that are not valid UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text);

// A coordinate or length: one decimal, no trailing ".0", "0" for NaN or
// infinity (a chart never writes "NaN" into the page).
std::string coord(double x);

// "Nice" axis ticks covering [lo, hi]: about `target` values at 1, 2 or 5
// × 10^k steps. lo == hi gives a small range around it; NaN gives none.
std::vector<double> nice_ticks(double lo, double hi, int target = 5);

// A tick label: the step's decimals, thousands grouped ("12,500", "0.25").
std::string tick_label(double value, double step);

// Attributes as name/value pairs; values are escaped when written.
using Attributes = std::vector<std::pair<std::string, std::string>>;

class Svg {
 public:
  // `title` becomes the <title> (what screen readers and tooltips say);
  // `chart` names the chart kind in data-chart (tests look for it).
  Svg(double width, double height, std::string_view title, std::string_view chart);

  void rect(double x, double y, double w, double h, const Attributes& attributes);
  void line(double x1, double y1, double x2, double y2, const Attributes& attributes);
  void path(const std::string& d, const Attributes& attributes);
  void polyline(const std::vector<std::pair<double, double>>& points, const Attributes& attributes);
  void circle(double cx, double cy, double r, const Attributes& attributes);
  void text(double x, double y, std::string_view content, const Attributes& attributes);
  // A <title> tooltip inside the previous element is not possible with the
  // self-closing elements above; marks that want one use this group instead.
  void open_group(const Attributes& attributes, std::string_view tooltip = {});
  void close_group();

  // Counts elements with class "mark": the data a test expects to see.
  std::size_t marks() const { return marks_; }
  std::string str() const;

 private:
  void element(std::string_view name, const std::string& geometry, const Attributes& attributes);

  double width_, height_;
  std::string title_, chart_, body_;
  std::size_t marks_ = 0;
  int open_groups_ = 0;
};

}  // namespace journeysim::report
