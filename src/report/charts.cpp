// The report's other charts: lines with CI bands (daily series, sweep
// curves), delta bars with CI whiskers (comparisons), heat maps (two-
// parameter sweeps) and the stage view (an hourglass of visits per stage).
// Undefined values (NaN) are gaps in a line, "n/a" in text and a grey cell,
// never a number.
#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include "io/text_format.hpp"
#include "journeysim/report.hpp"
#include "report/report_detail.hpp"
#include "report/svg.hpp"

namespace journeysim::report {

namespace {

struct Axis {
  double lo = 0, hi = 1;
  std::vector<double> ticks;
  double step() const { return ticks.size() > 1 ? ticks[1] - ticks[0] : hi - lo; }
};

// An axis over [lo, hi] ending at ticks (values), or over exactly [lo, hi]
// with the ticks inside (days, parameters: the data's own range).
Axis make_axis(double lo, double hi, bool extend_to_ticks, int target = 5) {
  Axis axis;
  if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
  axis.ticks = nice_ticks(lo, hi, target);
  if (extend_to_ticks && !axis.ticks.empty()) {
    axis.lo = axis.ticks.front();
    axis.hi = axis.ticks.back();
  } else {
    axis.lo = lo;
    axis.hi = hi > lo ? hi : lo + 1;
    std::erase_if(axis.ticks, [&](double t) { return t < axis.lo - 1e-9 * std::fabs(axis.hi - axis.lo) ||
                                                      t > axis.hi + 1e-9 * std::fabs(axis.hi - axis.lo); });
  }
  return axis;
}

double map(double value, const Axis& axis, double from, double to) {
  return from + (value - axis.lo) / (axis.hi - axis.lo) * (to - from);
}

std::string shorten(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0, cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++chars > max_chars - 1) {
      cut = i;
      break;
    }
  }
  return cut == text.size() ? text : text.substr(0, cut) + "\xE2\x80\xA6";
}

// Viridis, sampled: perceptually even and readable without red–green.
std::string viridis(double t) {
  static constexpr double stops[][3] = {{68, 1, 84},    {72, 40, 120},  {62, 74, 137},  {49, 104, 142}, {38, 130, 142},
                                        {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {180, 222, 44}, {253, 231, 37}};
  constexpr int n = sizeof(stops) / sizeof(stops[0]);
  t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0) * (n - 1);
  const int i = std::min(static_cast<int>(t), n - 2);
  const double f = t - i;
  const auto channel = [&](int c) { return static_cast<int>(std::lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]))); };
  return fmt::format("#{:02x}{:02x}{:02x}", channel(0), channel(1), channel(2));
}

void draw_y_axis(Svg& svg, const Axis& axis, double left, double right, double top, double bottom) {
  for (double t : axis.ticks) {
    const double y = map(t, axis, bottom, top);
    svg.line(left, y, right, y, {{"class", "grid"}, {"stroke", "#e3e3e3"}});
    svg.text(left - 6, y + 4, tick_label(t, axis.step()), {{"class", "tick"}, {"text-anchor", "end"}});
  }
  svg.line(left, top, left, bottom, {{"stroke", "#444"}});
}

// A log axis over [lo, hi] (both > 0), in log10 units: ticks at the powers
// of ten inside it, with 2 and 5 between them while there are few decades.
Axis make_log_axis(double lo, double hi) {
  Axis axis;
  axis.lo = std::log10(lo);
  axis.hi = hi > lo ? std::log10(hi) : axis.lo + 1;
  const double decades = axis.hi - axis.lo;
  const std::vector<double> steps = decades < 2.5 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
  for (int k = static_cast<int>(std::floor(axis.lo)) - 1; k <= static_cast<int>(std::ceil(axis.hi)); ++k)
    for (double m : steps) {
      const double t = std::log10(m) + k;
      if (t >= axis.lo - 1e-9 && t <= axis.hi + 1e-9) axis.ticks.push_back(t);
    }
  if (axis.ticks.size() < 2) axis.ticks = {axis.lo, axis.hi};  // less than a decade between 2s and 5s: the ends
  return axis;
}

void draw_log_x_axis(Svg& svg, const Axis& axis, double left, double right, double bottom) {
  svg.line(left, bottom, right, bottom, {{"stroke", "#444"}});
  for (double t : axis.ticks) {
    const double x = map(t, axis, left, right);
    svg.line(x, bottom, x, bottom + 4, {{"stroke", "#444"}});
    svg.text(x, bottom + 16, fmt::format("{:.3g}", std::pow(10.0, t)), {{"class", "tick"}, {"text-anchor", "middle"}});
  }
}

void draw_x_axis(Svg& svg, const Axis& axis, double left, double right, double bottom) {
  svg.line(left, bottom, right, bottom, {{"stroke", "#444"}});
  for (double t : axis.ticks) {
    const double x = map(t, axis, left, right);
    svg.line(x, bottom, x, bottom + 4, {{"stroke", "#444"}});
    svg.text(x, bottom + 16, tick_label(t, axis.step()), {{"class", "tick"}, {"text-anchor", "middle"}});
  }
}

}  // namespace

// A delta as the comparison table prints it; rates in percentage points.
std::string format_delta(double value, const std::string& unit) {
  if (!std::isfinite(value)) return "n/a";
  if (unit == "%") return fmt::format("{}{:.2f} pp", value > 0 ? "+" : value < 0 ? "\xE2\x88\x92" : "", std::fabs(value));
  return io_detail::format_signed(value, unit);
}

std::pair<double, double> line_chart_y_extent(const LineChart& chart) {
  double y_lo = std::numeric_limits<double>::infinity(), y_hi = -y_lo;
  for (const Line& line : chart.lines) {
    for (std::size_t i = 0; i < line.x.size() && i < line.y.size(); ++i) {
      if (!std::isfinite(line.y[i].mean) || !std::isfinite(line.x[i])) continue;
      y_lo = std::min({y_lo, line.y[i].mean, line.y[i].low.value_or(line.y[i].mean)});
      y_hi = std::max({y_hi, line.y[i].mean, line.y[i].high.value_or(line.y[i].mean)});
    }
  }
  if (chart.y_from_zero && std::isfinite(y_lo)) y_lo = 0.0;
  return {y_lo, y_hi};
}

std::string line_chart_svg(const LineChart& chart, double width, double height) {
  return line_chart_svg(chart, width, height, nullptr);
}

std::string line_chart_svg(const LineChart& chart, double width, double height,
                           const std::pair<double, double>* y_range) {
  constexpr double kLeft = 72, kRight = 16, kTop = 30, kBottom = 46;
  double x_lo = std::numeric_limits<double>::infinity(), x_hi = -x_lo;
  for (const Line& line : chart.lines) {
    for (std::size_t i = 0; i < line.x.size() && i < line.y.size(); ++i) {
      if (!std::isfinite(line.y[i].mean) || !std::isfinite(line.x[i])) continue;
      x_lo = std::min(x_lo, line.x[i]);
      x_hi = std::max(x_hi, line.x[i]);
    }
  }
  auto [y_lo, y_hi] = line_chart_y_extent(chart);
  if (y_range && std::isfinite(y_range->first) && std::isfinite(y_range->second) && y_range->first <= y_range->second) {
    y_lo = std::min(y_lo, y_range->first);
    y_hi = std::max(y_hi, y_range->second);
  }
  // A count cannot go below 0, even where its CI band would.
  const auto floor_of = [&](double v) { return chart.y_from_zero ? std::max(v, 0.0) : v; };
  // A log axis only where every x is positive (a log: grid always is).
  const bool x_log = chart.x_log && std::isfinite(x_lo) && x_lo > 0;
  // Fewer ticks on a narrow chart, so "0.0005" and "0.001" do not collide.
  const int x_ticks = width < 500 ? 5 : 8;
  const Axis x_axis = x_log ? make_log_axis(x_lo, x_hi) : make_axis(x_lo, x_hi, false, x_ticks);
  const Axis y_axis = make_axis(y_lo, y_hi, true, 5);
  const double left = kLeft, right = width - kRight, top = kTop, bottom = height - kBottom;

  Svg svg(width, height, chart.title, chart.id);
  draw_y_axis(svg, y_axis, left, right, top, bottom);
  if (x_log) draw_log_x_axis(svg, x_axis, left, right, bottom);
  else draw_x_axis(svg, x_axis, left, right, bottom);
  svg.text((left + right) / 2, height - 8, chart.x_label, {{"class", "axis-title"}, {"text-anchor", "middle"}});
  svg.text(14, (top + bottom) / 2, chart.y_label,
           {{"class", "axis-title"}, {"text-anchor", "middle"},
            {"transform", fmt::format("rotate(-90 14 {})", coord((top + bottom) / 2))}});

  for (std::size_t l = 0; l < chart.lines.size(); ++l) {
    const Line& line = chart.lines[l];
    const char* colour = palette(l);
    const std::size_t n = std::min(line.x.size(), line.y.size());
    const auto px = [&](std::size_t i) { return map(x_log ? std::log10(line.x[i]) : line.x[i], x_axis, left, right); };
    const auto py = [&](double v) { return map(v, y_axis, bottom, top); };
    // Bands and lines run over stretches of defined values; NaN breaks them.
    for (std::size_t i = 0; i < n;) {
      if (!std::isfinite(line.y[i].mean)) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < n && std::isfinite(line.y[j].mean)) ++j;
      std::vector<std::pair<double, double>> points;
      for (std::size_t k = i; k < j; ++k) points.emplace_back(px(k), py(line.y[k].mean));
      // The band where both bounds exist over the whole stretch.
      bool band = !chart.scatter;
      for (std::size_t k = i; k < j && band; ++k) band = line.y[k].low && line.y[k].high;
      if (band) {
        // Along the upper bounds, back along the lower ones.
        std::string d;
        for (std::size_t k = i; k < j; ++k) fmt::format_to(std::back_inserter(d), "{}{},{}", k == i ? "M" : "L", coord(px(k)), coord(py(*line.y[k].high)));
        for (std::size_t k = j; k-- > i;) fmt::format_to(std::back_inserter(d), "L{},{}", coord(px(k)), coord(py(floor_of(*line.y[k].low))));
        d += 'Z';
        svg.path(d, {{"class", "band"}, {"fill", colour}, {"fill-opacity", "0.18"}, {"stroke", "none"}});
      }
      if (chart.scatter) {
        // A sampled design: each point on its own, pale so dense clouds show their shape.
        for (std::size_t k = i; k < j; ++k)
          svg.circle(px(k), py(line.y[k].mean), 2.2, {{"class", "mark point"}, {"fill", colour}, {"fill-opacity", "0.45"}});
        i = j;
        continue;
      }
      if (points.size() == 1 || chart.points) {
        for (std::size_t k = i; k < j; ++k) {
          svg.circle(px(k), py(line.y[k].mean), 2.5, {{"class", "mark point"}, {"fill", colour}});
          if (line.y[k].low && line.y[k].high && chart.points) {
            svg.line(px(k), py(floor_of(*line.y[k].low)), px(k), py(*line.y[k].high), {{"stroke", colour}, {"stroke-opacity", "0.6"}});
          }
        }
      }
      if (points.size() > 1) {
        svg.polyline(points, {{"class", "mark line"}, {"fill", "none"}, {"stroke", colour}, {"stroke-width", "2"},
                              {"data-series", line.label}});
      }
      i = j;
    }
  }
  // Legend across the top, one swatch per line.
  double lx = left;
  for (std::size_t l = 0; l < chart.lines.size(); ++l) {
    svg.rect(lx, 10, 12, 12, {{"fill", palette(l)}});
    svg.text(lx + 16, 20, chart.lines[l].label, {{"class", "legend"}});
    lx += 26 + 7.0 * static_cast<double>(chart.lines[l].label.size());
  }
  return svg.str();
}

std::string delta_svg(const DeltaPanel& panel, double width) {
  constexpr double kLabel = 120, kValue = 150, kRow = 26, kTop = 30, kBottom = 40;
  const double height = kTop + kRow * static_cast<double>(panel.bars.size()) + kBottom;
  double lo = 0, hi = 0;
  for (const DeltaBar& bar : panel.bars) {
    if (!std::isfinite(bar.delta.mean)) continue;
    lo = std::min({lo, bar.delta.mean, bar.delta.low.value_or(bar.delta.mean)});
    hi = std::max({hi, bar.delta.mean, bar.delta.high.value_or(bar.delta.mean)});
  }
  const double left = kLabel, right = width - kValue, bottom = height - kBottom;
  // Fewer ticks while their labels ("10,000", "20,000") would run together.
  Axis axis = make_axis(lo, hi, true, 4);
  for (int target = 3; target >= 1; --target) {
    std::size_t longest = 0;
    for (double t : axis.ticks) longest = std::max(longest, tick_label(t, axis.step()).size());
    const double spacing = (right - left) / static_cast<double>(std::max<std::size_t>(axis.ticks.size() - 1, 1));
    if (spacing >= 6.5 * static_cast<double>(longest) + 8) break;
    axis = make_axis(lo, hi, true, target);
  }
  const std::string unit = panel.unit == "%" ? "percentage points" : unit_text(panel.unit);

  Svg svg(width, height, "Δ " + panel.label + " (" + panel.versus + ", 95% CI)", panel.chart + "-" + panel.key);
  svg.text(8, 18, panel.label, {{"class", "panel-title"}});
  for (double t : axis.ticks) {
    const double x = map(t, axis, left, right);
    svg.line(x, kTop - 4, x, bottom, {{"class", "grid"}, {"stroke", t == 0.0 ? "#444" : "#e3e3e3"}});
    svg.text(x, bottom + 14, tick_label(t, axis.step()), {{"class", "tick"}, {"text-anchor", "middle"}});
  }
  svg.text((left + right) / 2, height - 8, "Δ (" + unit + ")", {{"class", "axis-title"}, {"text-anchor", "middle"}});
  const double zero = map(0.0, axis, left, right);
  for (std::size_t b = 0; b < panel.bars.size(); ++b) {
    const DeltaBar& bar = panel.bars[b];
    const double y = kTop + kRow * static_cast<double>(b);
    svg.open_group({}, bar.arm);
    svg.text(left - 8, y + kRow / 2 + 4, shorten(bar.arm, 18), {{"class", "label"}, {"text-anchor", "end"}});
    svg.close_group();
    const std::string value = format_delta(bar.delta.mean, panel.unit) + (bar.significant ? " *" : "");
    if (!std::isfinite(bar.delta.mean)) {
      svg.text(zero + 6, y + kRow / 2 + 4, "n/a (undefined)", {{"class", "na"}});
      continue;
    }
    const double x = map(bar.delta.mean, axis, left, right);
    svg.rect(std::min(x, zero), y + 5, std::fabs(x - zero), kRow - 10,
             {{"class", "mark bar"}, {"fill", palette(b)}, {"fill-opacity", bar.significant ? "0.9" : "0.4"}});
    if (bar.delta.low && bar.delta.high) {
      const double x_lo = map(*bar.delta.low, axis, left, right), x_hi = map(*bar.delta.high, axis, left, right);
      const double mid = y + kRow / 2;
      svg.line(x_lo, mid, x_hi, mid, {{"class", "whisker"}, {"stroke", "#222"}, {"stroke-width", "1.5"}});
      svg.line(x_lo, mid - 5, x_lo, mid + 5, {{"stroke", "#222"}, {"stroke-width", "1.5"}});
      svg.line(x_hi, mid - 5, x_hi, mid + 5, {{"stroke", "#222"}, {"stroke-width", "1.5"}});
    }
    svg.text(right + 8, y + kRow / 2 + 4, value, {{"class", "value"}});
  }
  return svg.str();
}

std::string heat_map_svg(const HeatMap& map_data, double width) {
  constexpr double kLeft = 84, kRight = 110, kTop = 16, kBottom = 50;
  const std::size_t nx = map_data.xs.size(), ny = map_data.ys.size();
  const double cell_h = std::clamp(320.0 / static_cast<double>(std::max<std::size_t>(ny, 1)), 3.0, 30.0);
  const double plot_h = cell_h * static_cast<double>(ny);
  const double height = kTop + plot_h + kBottom;
  const double plot_w = width - kLeft - kRight, cell_w = plot_w / static_cast<double>(std::max<std::size_t>(nx, 1));
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : map_data.values)
    if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  const bool any = std::isfinite(lo);
  if (!any) lo = 0, hi = 1;
  const auto shade = [&](double v) { return hi > lo ? (v - lo) / (hi - lo) : 0.5; };

  Svg svg(width, height, map_data.title + " over " + map_data.x_label + " and " + map_data.y_label, map_data.id);
  for (std::size_t iy = 0; iy < ny; ++iy) {
    for (std::size_t ix = 0; ix < nx; ++ix) {
      const double v = map_data.values[iy * nx + ix];
      const double x = kLeft + cell_w * static_cast<double>(ix);
      const double y = kTop + plot_h - cell_h * static_cast<double>(iy + 1);  // the lowest value at the bottom
      const std::string tip = fmt::format("{} = {:.6g}, {} = {:.6g}: {}", map_data.x_label, map_data.xs[ix],
                                          map_data.y_label, map_data.ys[iy], format_kpi(v, map_data.unit));
      svg.open_group({}, tip);
      svg.rect(x, y, cell_w + 0.3, cell_h + 0.3,  // overlap hides hairline seams
               {{"class", std::isfinite(v) ? "mark cell" : "cell na"}, {"fill", std::isfinite(v) ? viridis(shade(v)) : "#d9d9d9"}});
      svg.close_group();
    }
  }
  // Axis labels: every value while they fit, else every k-th.
  const std::size_t x_every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(nx * 48.0 / plot_w)));
  for (std::size_t ix = 0; ix < nx; ix += x_every) {
    svg.text(kLeft + cell_w * (ix + 0.5), kTop + plot_h + 14, fmt::format("{:.4g}", map_data.xs[ix]),
             {{"class", "tick"}, {"text-anchor", "middle"}});
  }
  const std::size_t y_every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(14.0 / cell_h)));
  for (std::size_t iy = 0; iy < ny; iy += y_every) {
    svg.text(kLeft - 6, kTop + plot_h - cell_h * (iy + 0.5) + 4, fmt::format("{:.4g}", map_data.ys[iy]),
             {{"class", "tick"}, {"text-anchor", "end"}});
  }
  svg.text(kLeft + plot_w / 2, height - 10, map_data.x_label, {{"class", "axis-title"}, {"text-anchor", "middle"}});
  const double mid_y = kTop + plot_h / 2;
  svg.text(14, mid_y, map_data.y_label,
           {{"class", "axis-title"}, {"text-anchor", "middle"}, {"transform", fmt::format("rotate(-90 14 {})", coord(mid_y))}});
  // The colour scale, lowest at the bottom.
  const double bar_x = width - kRight + 16, steps = 24;
  for (int s = 0; s < steps; ++s) {
    const double y = kTop + plot_h - plot_h * (s + 1) / steps;
    svg.rect(bar_x, y, 14, plot_h / steps + 0.3, {{"fill", viridis((s + 0.5) / steps)}});
  }
  const std::string unit = unit_text(map_data.unit);
  svg.text(bar_x + 18, kTop + 10, any ? format_kpi(hi, map_data.unit) : "n/a", {{"class", "tick"}});
  svg.text(bar_x + 18, kTop + plot_h, any ? format_kpi(lo, map_data.unit) : "n/a", {{"class", "tick"}});
  svg.text(bar_x, height - 10, unit, {{"class", "tick"}});
  return svg.str();
}

std::string stage_svg(const std::vector<StageBar>& bars, double width) {
  constexpr double kLabel = 120, kRow = 44, kTop = 10, kRight = 230;
  const double height = kTop + kRow * static_cast<double>(bars.size()) + 24;
  double widest = 0;
  for (const StageBar& bar : bars)
    if (std::isfinite(bar.visits.mean)) widest = std::max(widest, bar.visits.mean);
  const double area = width - kLabel - kRight, centre = kLabel + area / 2;
  const auto bar_width = [&](double value) {
    return widest > 0 && std::isfinite(value) ? std::max(area * value / widest, 2.0) : 2.0;
  };

  Svg svg(width, height,
          "Stages: visits to each stage's touchpoints (pale) and the customers there (dark), centred: a funnel or an "
          "hourglass",
          "stages");
  for (std::size_t s = 0; s < bars.size(); ++s) {
    const StageBar& bar = bars[s];
    const double y = kTop + kRow * static_cast<double>(s);
    svg.text(kLabel - 10, y + kRow / 2 + 4, bar.stage, {{"class", "label"}, {"text-anchor", "end"}});
    // The customers at the stage where the run counts them (aware,
    // purchasers, advocates), else the arrivals from earlier stages.
    const bool counted = !bar.customers_label.empty() && std::isfinite(bar.customers.mean);
    const Interval& people = counted ? bar.customers : bar.arrivals;
    const std::string people_text =
        counted ? format_kpi(bar.customers.mean, "count") + " " + bar.customers_label
                : format_kpi(bar.arrivals.mean, "count") + " arrivals from earlier stages";
    if (bar.touchpoints.empty()) {
      // In a half-width column the bar area is narrow: a shorter note, kept
      // inside it so it never runs over the stage's name or the counts.
      std::string note = "no touchpoints at this stage";
      const double room = area + 20;  // between the stage's name and the counts
      if (text_width(note, 12) > room) note = "no touchpoints";
      note = fit_text(note, room, 12);
      svg.text(centre, y + kRow / 2 + 4, note, {{"class", "na"}, {"text-anchor", "middle"}});
    } else {
      const double w = bar_width(bar.visits.mean);
      std::string members;
      for (const std::string& t : bar.touchpoints) members += (members.empty() ? "" : ", ") + t;
      svg.open_group({}, fmt::format("{}: {} visits ({}); touchpoints: {}", bar.stage, format_kpi(bar.visits.mean, "count"),
                                     format_ci(bar.visits, "count"), members));
      svg.rect(centre - w / 2, y + 4, w, kRow - 8,
               {{"class", "mark stage"}, {"fill", kind_colour(bar.stage)}, {"fill-opacity", "0.45"}});
      svg.close_group();
      if (std::isfinite(people.mean) && people.mean > 0) {
        const double inner = std::min(bar_width(people.mean), w);
        svg.open_group({}, fmt::format("{}: {} ({})", bar.stage, people_text, format_ci(people, "count")));
        svg.rect(centre - inner / 2, y + 12, inner, kRow - 24, {{"class", "mark customers"}, {"fill", kind_colour(bar.stage)}});
        svg.close_group();
      }
      svg.text(width - kRight + 12, y + kRow / 2 + 13, format_kpi(bar.visits.mean, "count") + " visits",
               {{"class", "tick"}});
    }
    // Customers first, visits under them, in a column of their own.
    if (std::isfinite(people.mean))
      svg.text(width - kRight + 12, y + kRow / 2 - 2, people_text, {{"class", "label customers"}});
  }
  svg.text(width - kRight + 12, height - 6, "dark: customers (or arrivals); pale: visits", {{"class", "tick"}});
  return svg.str();
}

}  // namespace journeysim::report
