#pragma once
// YAML → Scenario, with every error found reported as file:line:col.
#include <optional>
#include <string>
#include <vector>

#include "journeysim/diagnostics.hpp"
#include "journeysim/scenario.hpp"

namespace journeysim {

// Parses and validates a scenario file (format v1), including the graph checks
// of validate_graph(). Returns nothing when any error was found; warnings and
// errors are appended to `diagnostics`.
std::optional<Scenario> load_scenario_file(const std::string& path, Diagnostics& diagnostics);

// Same, from text; `file_name` is used in messages and for the default name.
std::optional<Scenario> load_scenario_text(const std::string& text, const std::string& file_name,
                                           Diagnostics& diagnostics);

// Strategies and edits. Edits apply to the scenario's source_text (the YAML
// as written; changes made to `scenario` in code are not kept), in order,
// and the result is validated as a whole, so a later edit may complete what
// an earlier one started (add a touchpoint, then a transition into it).
// `remove: touchpoints.X` marks X `removed: true`: it leaves
// Scenario::touchpoints (listed in removed_touchpoints instead) and everyone
// who would enter it drops off, as in Markov-chain attribution's removal
// effect. The result has no strategies (they were written for the scenario
// as it was); its source_text is the edited YAML and its applied_strategies /
// applied_edits say what was done. Locations in messages point at the edits.
//
//   auto arm = apply_strategies(scenario, {"fix_support", "referral_programme"}, diagnostics);
//   auto point = apply_edits(scenario, {parse_assignment("word_of_mouth.rate=0.4")}, diagnostics);
std::optional<Scenario> apply_strategies(const Scenario& scenario, const std::vector<std::string>& strategy_names,
                                         Diagnostics& diagnostics, const std::vector<StrategyEdit>& then = {});
std::optional<Scenario> apply_edits(const Scenario& scenario, const std::vector<StrategyEdit>& edits,
                                    Diagnostics& diagnostics);
std::optional<Scenario> apply_strategy(const Scenario& scenario, const std::string& strategy_name,
                                       Diagnostics& diagnostics);

// "PATH=VALUE" as a `set` edit, located at `where` (e.g. {"--set", 0, 0}).
// Throws InputError when it is not of that form or VALUE is not a number.
StrategyEdit parse_assignment(const std::string& text, const SourceLocation& where);

// Adds the strategies of a file whose top level is `strategies:` (the same
// syntax as in a scenario) to `scenario`, each tried on it like the
// scenario's own. Errors point into that file. False when there were any.
bool load_strategies_file(const std::string& path, Scenario& scenario, Diagnostics& diagnostics);
bool load_strategies_text(const std::string& text, const std::string& path, Scenario& scenario,
                          Diagnostics& diagnostics);

// Convenience for callers that want an exception: throws ScenarioError.
Scenario load_scenario_or_throw(const std::string& path);

}  // namespace journeysim
