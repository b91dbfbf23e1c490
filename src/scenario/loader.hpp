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

// Applies `strategy`'s edits to `root`. A path that names nothing is reported
// at its edit; `marks` learns where each value the edits made came from.
// Returns false when an edit could not be applied.
bool apply_edits(YAML::Node& root, const Strategy& strategy, YamlReader& reader, SyntheticMarks& marks);

// Loads a scenario tree: reads it, checks it, and — when it has no errors —
// runs validate_graph() and, if `check_strategies`, tries each strategy on it.
std::optional<Scenario> load_tree(const YAML::Node& root, const std::string& file, const std::string& text,
                                  Diagnostics& diagnostics, const SyntheticMarks* synthetic,
                                  bool check_strategies);

// Parses YAML text; a syntax error is reported as file:line:col.
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, Diagnostics& diagnostics);

// The tree as YAML text (quoted strings stay quoted).
std::string emit_yaml(const YAML::Node& root);

}  // namespace journeysim::scenario_detail
