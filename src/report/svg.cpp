// The report's SVG builder: escaping, number formatting and axis ticks.
#include "report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

namespace journeysim::report {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t length = 0;
  std::uint32_t code = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) length = 2, code = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) length = 3, code = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) length = 4, code = c & 0x07;
  else return 0;
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code < smallest[length] || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return 0;
  return length;
}

bool has_mark_class(const Attributes& attributes) {
  for (const auto& [name, value] : attributes) {
    if (name != "class") continue;
    const std::string padded = " " + value + " ";
    if (padded.find(" mark ") != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD for a byte that starts no valid sequence
      ++i;
      continue;
    }
    if (length > 1) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // XML 1.0 allows only tab, newline and carriage return below 0x20.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') out += c;
    }
    ++i;
  }
  return out;
}

std::string coord(double x) {
  if (!std::isfinite(x)) return "0";
  std::string text = fmt::format("{:.1f}", x);
  if (text.size() >= 2 && text.compare(text.size() - 2, 2, ".0") == 0) text.resize(text.size() - 2);
  if (text == "-0") text = "0";
  return text;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
  if (lo > hi) std::swap(lo, hi);
  if (hi == lo) {
    const double pad = lo == 0.0 ? 1.0 : std::fabs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  target = std::max(target, 2);
  const double raw = (hi - lo) / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw * (1 - 1e-9)) break;  // 0.6 / 3 is 0.2000…04 in floating point
  }
  std::vector<double> ticks;
  const double first = std::floor(lo / step + 1e-9) * step;
  for (double t = first; t <= hi + step * 0.5 && ticks.size() < 100; t += step) {
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  }
  // The last tick must cover hi (a chart's axis ends at a tick).
  while (!ticks.empty() && ticks.back() < hi - step * 1e-9) ticks.push_back(ticks.back() + step);
  return ticks;
}

std::string tick_label(double value, double step) {
  if (!std::isfinite(value)) return "n/a";
  int decimals = 0;
  if (step > 0 && std::isfinite(step)) {
    decimals = std::max(0, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
    // A step of 0.25 or 2.5 needs one more decimal than its magnitude says.
    const double scaled = step * std::pow(10.0, decimals);
    if (std::fabs(scaled - std::round(scaled)) > 1e-6) ++decimals;
  }
  decimals = std::min(decimals, 8);
  if (std::fabs(value) >= 1e9) return fmt::format("{:.3g}", value);
  std::string digits = fmt::format("{:.{}f}", std::fabs(value), decimals);
  const std::size_t point = std::min(digits.find('.'), digits.size());
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && i < point && (point - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  const bool zero = digits.find_first_not_of("0.") == std::string::npos;
  return value < 0 && !zero ? "\xE2\x88\x92" + out : out;  // a real minus sign
}

Svg::Svg(double width, double height, std::string_view title, std::string_view chart)
    : width_(width), height_(height), title_(title), chart_(chart) {}

void Svg::element(std::string_view name, const std::string& geometry, const Attributes& attributes) {
  body_ += '<';
  body_ += name;
  body_ += geometry;
  for (const auto& [key, value] : attributes) body_ += fmt::format(" {}=\"{}\"", key, xml_escape(value));
  body_ += "/>";
  if (has_mark_class(attributes)) ++marks_;
}

void Svg::rect(double x, double y, double w, double h, const Attributes& attributes) {
  element("rect",
          fmt::format(" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"", coord(x), coord(y),
                      coord(std::max(w, 0.0)), coord(std::max(h, 0.0))),
          attributes);
}

void Svg::line(double x1, double y1, double x2, double y2, const Attributes& attributes) {
  element("line",
          fmt::format(" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"", coord(x1), coord(y1), coord(x2), coord(y2)),
          attributes);
}

void Svg::path(const std::string& d, const Attributes& attributes) {
  element("path", fmt::format(" d=\"{}\"", xml_escape(d)), attributes);
}

void Svg::polyline(const std::vector<std::pair<double, double>>& points, const Attributes& attributes) {
  std::string list;
  list.reserve(points.size() * 10);
  for (const auto& [x, y] : points) {
    if (!list.empty()) list += ' ';
    list += coord(x);
    list += ',';
    list += coord(y);
  }
  element("polyline", fmt::format(" points=\"{}\"", list), attributes);
}

void Svg::circle(double cx, double cy, double r, const Attributes& attributes) {
  element("circle", fmt::format(" cx=\"{}\" cy=\"{}\" r=\"{}\"", coord(cx), coord(cy), coord(r)), attributes);
}

void Svg::text(double x, double y, std::string_view content, const Attributes& attributes) {
  body_ += fmt::format("<text x=\"{}\" y=\"{}\"", coord(x), coord(y));
  for (const auto& [key, value] : attributes) body_ += fmt::format(" {}=\"{}\"", key, xml_escape(value));
  body_ += '>';
  body_ += xml_escape(content);
  body_ += "</text>";
}

void Svg::open_group(const Attributes& attributes, std::string_view tooltip) {
  body_ += "<g";
  for (const auto& [key, value] : attributes) body_ += fmt::format(" {}=\"{}\"", key, xml_escape(value));
  body_ += '>';
  if (!tooltip.empty()) body_ += "<title>" + xml_escape(tooltip) + "</title>";
  ++open_groups_;
}

void Svg::close_group() {
  if (open_groups_ == 0) return;
  body_ += "</g>";
  --open_groups_;
}

std::string Svg::str() const {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" "
      "data-chart=\"{}\" data-marks=\"{}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">"
      "<title>{}</title>",
      coord(width_), coord(height_), coord(width_), coord(height_), xml_escape(chart_), marks_,
      xml_escape(title_));
  out += body_;
  for (int i = 0; i < open_groups_; ++i) out += "</g>";
  out += "</svg>";
  return out;
}

}  // namespace journeysim::report
