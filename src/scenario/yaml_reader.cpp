#include "scenario/yaml_reader.hpp"

#include "journeysim/scenario.hpp"
#include "scenario/yaml_tree.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cmath>
#include <map>
#include <set>

namespace journeysim::scenario_detail {

void SyntheticMarks::add(const YAML::Node& node, const SourceLocation& where) {
  const void* id = node_identity(node);
  if (id == nullptr) return;
  if (places_.emplace(id, where).second) nodes_.push_back(node);
}

const SourceLocation* SyntheticMarks::find(const YAML::Node& node) const {
  const auto it = places_.find(node_identity(node));
  return it == places_.end() ? nullptr : &it->second;
}

const Entry* MapView::find(const std::string& key) const {
  for (const auto& entry : entries)
    if (entry.key == key) return &entry;
  return nullptr;
}

std::string join(const std::vector<std::string>& words, const std::string& last_separator) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? last_separator : ", ";
    out += words[i];
  }
  return out;
}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar:
      if (node.Tag() == "!") return "the quoted text \"" + node.Scalar() + "\"";
      return "the text '" + node.Scalar() + "'";
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: break;
  }
  return "empty";
}

std::optional<double> parse_number(const std::string& text) {
  // YAML's spellings of the special values (core schema).
  static const std::map<std::string, double> special = {
      {".inf", INFINITY},   {".Inf", INFINITY},   {".INF", INFINITY},   {"+.inf", INFINITY},
      {"+.Inf", INFINITY},  {"+.INF", INFINITY},  {"-.inf", -INFINITY}, {"-.Inf", -INFINITY},
      {"-.INF", -INFINITY}, {".nan", NAN},        {".NaN", NAN},        {".NAN", NAN}};
  if (auto it = special.find(text); it != special.end()) return it->second;
  std::string_view digits = text;
  if (!digits.empty() && digits.front() == '+') {
    digits.remove_prefix(1);
    if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) return {};
  }
  double value = 0.0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value);
  if (ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) return {};
  if (ec == std::errc::result_out_of_range) value = std::strtod(std::string(digits).c_str(), nullptr);  // ±HUGE_VAL or 0
  return value;
}

std::string format_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15)
    return std::to_string(static_cast<long long>(value));
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  (void)ec;  // 64 characters always suffice for a double
  return std::string(buffer, ptr);
}

std::string format_sum(double value) {
  return format_number(std::isfinite(value) ? std::round(value * 1e12) / 1e12 : value);
}

SourceLocation YamlReader::where(const YAML::Node& node) const {
  if (node.IsDefined() && !node.Mark().is_null())
    return {file_, node.Mark().line + 1, node.Mark().column + 1};
  if (synthetic_ != nullptr) {
    if (node.IsDefined())
      if (const SourceLocation* location = synthetic_->find(node)) return *location;
    return synthetic_->fallback;
  }
  return {file_, 0, 0};
}

SourceLocation YamlReader::where_key(const Entry& entry) const {
  if (entry.key_node.IsDefined() && !entry.key_node.Mark().is_null()) return where(entry.key_node);
  return where(entry.value);
}

bool YamlReader::is_touchpoint(const Scenario& scenario, const std::string& name) {
  const std::size_t count = scenario.touchpoints.size() + scenario.removed_touchpoints.size();
  if (count != indexed_touchpoints_) {
    touchpoint_names_.clear();
    for (const auto& touchpoint : scenario.touchpoints) touchpoint_names_.insert(touchpoint.name);
    for (const auto& removed : scenario.removed_touchpoints) touchpoint_names_.insert(removed);
    indexed_touchpoints_ = count;
  }
  return touchpoint_names_.count(name) != 0;
}

void YamlReader::error(const SourceLocation& where, std::string message) {
  ++errors_;
  diagnostics_.error(where, std::move(message));
}

void YamlReader::warning(const SourceLocation& where, std::string message) {
  diagnostics_.warning(where, std::move(message));
}

MapView YamlReader::map(const YAML::Node& node, const std::string& what, const std::vector<std::string>& allowed) {
  MapView view;
  view.node = node;
  if (node.IsNull()) {
    view.is_map = true;
    return view;
  }
  if (!node.IsMap()) {
    error(where(node), what + " must be a map of `key: value` pairs, but it is " + describe(node) +
                           "; write one `key: value` per line, or {key: value, ...}");
    return view;
  }
  view.is_map = true;
  std::unordered_map<std::string, int> seen;  // key -> the line it was first given at
  seen.reserve(node.size());
  for (auto it = node.begin(); it != node.end(); ++it) {
    Entry entry{"", it->first, it->second};
    if (!it->first.IsScalar()) {
      error(where(it->first), "a key in " + what + " is " + describe(it->first) + "; keys must be plain names");
      continue;
    }
    entry.key = it->first.Scalar();
    const SourceLocation at = where_key(entry);
    if (const auto [first, added] = seen.try_emplace(entry.key, at.line); !added) {
      error(at, "duplicate key '" + entry.key + "' in " + what + " (first given at line " +
                    std::to_string(first->second) + "); keep only one of them");
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      const std::string match = closest_match(entry.key, allowed);
      if (!match.empty())
        error(at, "unknown key '" + entry.key + "' in " + what + "; did you mean '" + match + "'?");
      else
        error(at, "unknown key '" + entry.key + "' in " + what + "; the keys allowed here are " + join(allowed));
      continue;
    }
    view.entries.push_back(std::move(entry));
  }
  return view;
}

std::optional<std::vector<YAML::Node>> YamlReader::list(const YAML::Node& node, const std::string& what) {
  if (node.IsNull()) return std::vector<YAML::Node>{};
  if (!node.IsSequence()) {
    error(where(node), what + " must be a list, but it is " + describe(node) +
                           "; write one `- item` per line, or [item, ...]");
    return {};
  }
  std::vector<YAML::Node> items;
  for (const auto& item : node) items.push_back(item);
  return items;
}

bool YamlReader::require(const MapView& map, const std::string& key, const std::string& what,
                         const SourceLocation& where, const std::string& hint) {
  if (!map.is_map) return false;  // already reported
  if (map.has(key)) return true;
  error(where, what + " is missing '" + key + "'; " + hint);
  return false;
}

std::optional<double> YamlReader::number(const YAML::Node& node, const std::string& what, Range range) {
  if (!node.IsScalar()) {
    if (node.IsNull())
      error(where(node), what + " has no value; write a number there");
    else
      error(where(node), what + " must be a number, but it is " + describe(node));
    return {};
  }
  const std::optional<double> parsed = parse_number(node.Scalar());
  if (node.Tag() == "!") {
    error(where(node), what + " must be a number, but it is " + describe(node) +
                           (parsed ? "; remove the quotes" : ""));
    return {};
  }
  if (!parsed) {
    error(where(node), what + " must be a number, but it is " + describe(node));
    return {};
  }
  const double value = *parsed;
  const std::string shown = node.Scalar();
  if (!std::isfinite(value)) {
    error(where(node), what + " is " + shown + "; it must be a finite number");
    return {};
  }
  if (std::fabs(value) > limits::max_magnitude) {
    static_assert(limits::max_magnitude == 1e100, "say the limit as it is");
    error(where(node), what + " is " + shown +
                           "; numbers in a scenario can be at most 1e100 in size, so that totals over every "
                           "customer and event stay finite; use a smaller one");
    return {};
  }
  switch (range) {
    case Range::finite: break;
    case Range::non_negative:
      if (value < 0.0) {
        error(where(node), what + " is " + shown + "; it cannot be negative, use 0 or more");
        return {};
      }
      break;
    case Range::positive:
      if (value <= 0.0) {
        error(where(node), what + " is " + shown + "; it must be greater than 0");
        return {};
      }
      break;
    case Range::probability:
      if (value < 0.0 || value > 1.0) {
        error(where(node), what + " is " + shown + "; a probability must be between 0 and 1");
        return {};
      }
      break;
    case Range::unit:
      if (value < 0.0 || value > 1.0) {
        error(where(node), what + " is " + shown + "; it must be between 0 and 1");
        return {};
      }
      break;
  }
  return value;
}

std::optional<std::string> YamlReader::text(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar() && !node.Scalar().empty()) return node.Scalar();
  if (node.IsNull() || node.IsScalar())
    error(where(node), what + " has no value; write a name there");
  else
    error(where(node), what + " must be a name, but it is " + describe(node));
  return {};
}

std::optional<std::uint64_t> YamlReader::whole_number(const YAML::Node& node, const std::string& what,
                                                      std::uint64_t minimum) {
  const std::string expected = minimum == 0 ? "a whole number (0 or more)" : "a positive whole number";
  if (!node.IsScalar() || node.Tag() == "!") {
    if (node.IsNull())
      error(where(node), what + " has no value; write " + expected + " there");
    else
      error(where(node), what + " must be " + expected + ", but it is " + describe(node));
    return {};
  }
  const std::string& text = node.Scalar();
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && ptr == text.data() + text.size()) {
    if (value >= minimum) return value;
  } else if (auto real = parse_number(text)) {
    if (!std::isfinite(*real)) {
      error(where(node), what + " is " + text + "; it must be " + expected);
      return {};
    }
    if (*real >= static_cast<double>(minimum) && *real == std::floor(*real) && *real < 1.8446744073709552e19)
      return static_cast<std::uint64_t>(*real);
  } else {
    error(where(node), what + " must be " + expected + ", but it is " + describe(node));
    return {};
  }
  error(where(node), what + " is " + text + "; it must be " + expected);
  return {};
}

std::optional<double> YamlReader::number(const MapView& map, const std::string& key, const std::string& what,
                                         Range range) {
  const Entry* entry = map.find(key);
  if (entry == nullptr) return {};
  return number(entry->value, what, range);
}

std::optional<std::string> YamlReader::text(const MapView& map, const std::string& key, const std::string& what) {
  const Entry* entry = map.find(key);
  if (entry == nullptr) return {};
  return text(entry->value, what);
}

}  // namespace journeysim::scenario_detail
