#pragma once
// Typed access to a yaml-cpp tree that reports every problem as a diagnostic
// pinned to the offending node, instead of throwing. Internal to src/scenario.
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "journeysim/diagnostics.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim::scenario_detail {

// Where nodes without a mark of their own came from. Nodes made by strategy
// edits have no place in the file; they are pinned to the edit that made them.
struct SyntheticMarks {
  SourceLocation fallback;  // for any other node without a mark

  // Pins `node` to `where`, unless it is pinned already.
  void add(const YAML::Node& node, const SourceLocation& where);
  // Where `node` is pinned, or nullptr.
  const SourceLocation* find(const YAML::Node& node) const;

 private:
  std::vector<YAML::Node> nodes_;  // kept alive, so that their identities stay theirs
  std::unordered_map<const void*, SourceLocation> places_;  // by node_identity()
};

// The allowed range of a number, and how a violation is explained.
enum class Range {
  finite,        // any finite number
  non_negative,  // >= 0
  positive,      // > 0
  probability,   // in [0, 1], explained as a probability
  unit,          // in [0, 1], e.g. an experience score
};

// One key of a map, in file order.
struct Entry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// The entries of a map that was checked: duplicates and unknown keys were
// reported and left out, so each key appears once.
struct MapView {
  bool is_map = false;  // false: the node was not a map (already reported)
  YAML::Node node;
  std::vector<Entry> entries;
  const Entry* find(const std::string& key) const;
  bool has(const std::string& key) const { return find(key) != nullptr; }
};

class YamlReader {
 public:
  YamlReader(std::string file, Diagnostics& diagnostics, const SyntheticMarks* synthetic = nullptr)
      : file_(std::move(file)), diagnostics_(diagnostics), synthetic_(synthetic) {}

  const std::string& file() const { return file_; }
  SourceLocation where(const YAML::Node& node) const;
  SourceLocation where_key(const Entry& entry) const;  // the key, or its value if the key has no mark

  // Is `name` one of the scenario's touchpoints (kept or removed)? Indexed
  // once the touchpoints are read, so that checking every reference is linear.
  bool is_touchpoint(const Scenario& scenario, const std::string& name);

  void error(const SourceLocation& where, std::string message);
  void warning(const SourceLocation& where, std::string message);
  int error_count() const { return errors_; }

  // A map (a null node counts as an empty map). Reports a node of another
  // kind, keys that are not plain names, duplicate keys, and — when `allowed`
  // is not empty — keys outside it, with a "did you mean" hint.
  MapView map(const YAML::Node& node, const std::string& what, const std::vector<std::string>& allowed = {});

  // A list (a null node counts as an empty list). Reports a node of another kind.
  std::optional<std::vector<YAML::Node>> list(const YAML::Node& node, const std::string& what);

  // Is `key` in `map`? Reports it missing, at `where` (usually the key naming
  // the map); false without a report when the node was not a map at all.
  bool require(const MapView& map, const std::string& key, const std::string& what, const SourceLocation& where,
               const std::string& hint);

  // Scalars. Each reports a wrong type or range and returns nothing then.
  std::optional<double> number(const YAML::Node& node, const std::string& what, Range range);
  std::optional<std::string> text(const YAML::Node& node, const std::string& what);
  // A whole number >= minimum (seed, market size); 1e6 is accepted as 1000000.
  std::optional<std::uint64_t> whole_number(const YAML::Node& node, const std::string& what, std::uint64_t minimum);

  // Shorthands for an optional key of a checked map: nothing when absent.
  std::optional<double> number(const MapView& map, const std::string& key, const std::string& what, Range range);
  std::optional<std::string> text(const MapView& map, const std::string& key, const std::string& what);

 private:
  std::string file_;
  Diagnostics& diagnostics_;
  const SyntheticMarks* synthetic_;
  int errors_ = 0;
  std::unordered_set<std::string> touchpoint_names_;
  std::size_t indexed_touchpoints_ = 0;  // how many names touchpoint_names_ was made from
};

// "a list", "a map", "the text 'abc'", "nothing": what a node is, for messages.
std::string describe(const YAML::Node& node);

// The number a plain scalar spells (YAML .inf/.nan included), or nothing.
std::optional<double> parse_number(const std::string& text);

// Shortest text that reads back as the same double ("0.7", "2000000").
std::string format_number(double value);
// A sum of decimals as written: rounded to 12 decimals, so 0.6 + 0.3 prints
// 0.9 and 0.4 + 0.65 prints 1.05 (not 0.8999999999999999, 1.0499999999999998).
std::string format_sum(double value);

// "a, b and c"
std::string join(const std::vector<std::string>& words, const std::string& last_separator = " and ");

}  // namespace journeysim::scenario_detail
