// Text formatting shared by the terminal tables.
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "io/text_format.hpp"

namespace journeysim::io_detail {

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

namespace {

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

}  // namespace

namespace {

std::string line(const std::vector<std::string>& cells, const std::vector<std::size_t>& widths) {
  std::string out;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    const std::string cell = i < cells.size() ? cells[i] : "";
    if (i > 0) out += "  ";
    out += i == 0 ? pad_right(cell, widths[i]) : pad_left(cell, widths[i]);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::string Table::render() const {
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

std::string format_signed(double x, const std::string& unit) {
  if (!std::isfinite(x)) return "n/a";
  const std::string text = unit == "count" ? grouped(x, std::floor(x) == x ? 0 : 1) : format_value(x, unit);
  return x > 0.0 && text.find_first_not_of("0.,%") != std::string::npos ? "+" + text : text;
}

const std::vector<const char*>& metric_themes() {
  static const std::vector<const char*> themes = {"Reach and conversion", "Experience and advocacy", "Economics",
                                                  "Timing", "Run state"};
  return themes;
}

// Themes for the metric rows; metrics not listed go to the last one.
const char* theme_of(const std::string& key) {
  static const std::set<std::string> reach = {"aware", "purchasers", "conversion_rate",
                                              "market_penetration", "purchases"};
  static const std::set<std::string> loyalty = {"advocates", "advocacy_rate", "nps",
                                                "mean_satisfaction", "public_rating",
                                                "active_advocates", "reviews"};
  static const std::set<std::string> money = {"revenue",
                                              "refunds",
                                              "net_revenue",
                                              "cost",
                                              "cost_acquisition",
                                              "cost_retention",
                                              "profit",
                                              "clv",
                                              "lifetime_value",
                                              "cac",
                                              "retention_cost_per_purchaser",
                                              "profit_per_purchaser"};
  static const std::set<std::string> timing = {"time_to_first_purchase_mean",
                                               "time_to_first_purchase_p50",
                                               "time_to_first_purchase_p90", "journey_days_mean"};
  if (reach.count(key)) return "Reach and conversion";
  if (loyalty.count(key)) return "Experience and advocacy";
  if (money.count(key)) return "Economics";
  if (timing.count(key)) return "Timing";
  return "Run state";
}

}  // namespace journeysim::io_detail
