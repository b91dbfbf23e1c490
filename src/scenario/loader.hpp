#pragma once
// How the loader's pieces fit together. Internal to src/scenario:
//   load.cpp             entry points, top level, market, awareness, reviews, advocacy
//   load_journey.cpp     touchpoints and transitions
//   load_strategies.cpp  the `strategies` section
//   validate.cpp         checks that span sections
//   strategy.cpp         strategy paths: checking and applying edits to the YAML tree
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "journeysim/scenario.hpp"
#include "scenario/yaml_reader.hpp"

namespace journeysim::scenario_detail {

// How far a probability row may sum past 1 (DESIGN.md: within 1e-9).
inline constexpr double kSumTolerance = 1e-9;

// Places in the file that checks spanning several sections point at, and
// which sections had errors (so that one mistake is not reported twice).
struct Places {
  SourceLocation root;       // the top of the file
  SourceLocation awareness;  // the `awareness` key, or the top of the file
  SourceLocation initial;    // the `awareness.initial` key
  SourceLocation reviews;    // the `reviews` key
  SourceLocation prior_rating;
  bool entry_errors = false;  // errors in awareness or word_of_mouth
};

// Reads every section of a scenario tree into `scenario`.
void read_scenario(const YAML::Node& root, YamlReader& reader, Scenario& scenario, Places& places);

// The journey sections; `touchpoints` first, as the others refer to it.
void read_touchpoints(const YAML::Node& node, YamlReader& reader, Scenario& scenario);
void read_transitions(const YAML::Node& node, YamlReader& reader, Scenario& scenario);
// The `strategies` section; its paths are checked by check_strategy_paths.
void read_strategies(const YAML::Node& node, YamlReader& reader, Scenario& scenario);

// Is `name` a touchpoint? If not, reports it at `where` with a hint.
bool check_touchpoint_name(const Scenario& scenario, const std::string& name, const std::string& what,
                           const SourceLocation& where, YamlReader& reader);

// Splits a transition_scale key "from->to" (spaces allowed around the arrow).
bool split_arrow(const std::string& key, std::string& from, std::string& to);

// Checks that span sections (run once every section was read).
void check_scenario(const Scenario& scenario, const Places& places, YamlReader& reader);

// Applies `edits` to `root` in order. A path that names nothing is reported
// at its edit (as strategy `owner`'s, unless it is ""); `marks` learns where
// each value the edits made came from. False when an edit could not be applied.
// `may_share` false: the caller knows no node of `root` is shared through an
// alias, so the check that refuses edits through one is skipped.
bool apply_edits(YAML::Node& root, const std::vector<StrategyEdit>& edits, const std::string& owner,
                 YamlReader& reader, SyntheticMarks& marks, bool may_share = true);

// Tries each strategy on the scenario tree `root` (as parsed): every edit must
// apply and the edited scenario must load. Problems are reported through
// `reader` at the strategy's edits. `apply_only`: do not load the result
// (the scenario itself has errors, so the result would repeat them).
void try_strategies(const YAML::Node& root, const std::string& file, const std::vector<Strategy>& strategies,
                    YamlReader& reader, Diagnostics& diagnostics, bool apply_only);

// Is `text` UTF-8 YAML (not UTF-16, no control characters but tab and line
// breaks)? Reports the first problem as `what` ("the scenario").
bool check_text(const std::string& text, const std::string& file, const std::string& what, Diagnostics& diagnostics);

// The position of the first byte that is not valid UTF-8, if any.
std::optional<SourceLocation> first_invalid_utf8(const std::string& text, const std::string& file);

// The whole of a text file, or nothing (reported as what it is, e.g. "the scenario").
std::optional<std::string> read_text_file(const std::string& path, const std::string& what,
                                          Diagnostics& diagnostics);

// Loads a scenario tree: reads it, checks it, and — when it has no errors —
// runs validate_graph() and, if `check_strategies`, tries each strategy on it.
std::optional<Scenario> load_tree(const YAML::Node& root, const std::string& file, const std::string& text,
                                  Diagnostics& diagnostics, const SyntheticMarks* synthetic,
                                  bool check_strategies);

// Lists and maps nest at most this deep (the format needs about 6 levels).
constexpr int kMaxNesting = 100;
// Aliases may add at most this many nodes to a tree, beyond one per byte of text.
constexpr std::size_t kAliasAllowance = 1'000'000;

// Parses YAML text; a syntax error is reported as file:line:col, and so are
// nesting deeper than kMaxNesting and aliases that expand beyond
// kAliasAllowance (check_tree), so that every later walk of the tree is bounded.
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diagnostics);
bool check_tree(const YAML::Node& root, std::size_t text_size, const std::string& file, Diagnostics& diagnostics);

// The tree as YAML text (quoted strings stay quoted).
std::string emit_yaml(const YAML::Node& root);

}  // namespace journeysim::scenario_detail
