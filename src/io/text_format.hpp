#pragma once
// Text formatting for terminal tables: grouped numbers, units, intervals,
// and a simple column table. Internal to src/io.
#include <string>
#include <vector>

#include "journeysim/statistics.hpp"

namespace journeysim::io_detail {

std::string grouped(double x, int decimals);  // "1234567.891", 2 -> "1,234,567.89"; NaN -> "n/a"
std::string format_count(double x);           // integers bare, means with one decimal
std::string format_value(double x, const std::string& unit);
std::string format_interval(const Interval& value, const std::string& unit);  // "[lo, hi]" or ""
std::string format_signed(double x, const std::string& unit);                 // "+1.25%", "−3.0"

// A simple column table: first column left-aligned, the rest right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  void separator() { rows_.emplace_back(); }
  std::string render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

// Themes the metric rows are grouped under, in display order.
const std::vector<const char*>& metric_themes();
const char* theme_of(const std::string& key);

}  // namespace journeysim::io_detail
