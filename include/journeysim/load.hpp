#pragma once
// YAML → Scenario, with every error found reported as file:line:col.
#include <optional>
#include <string>

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

// The scenario with the named strategy's edits applied (set / scale / remove),
// validated again. `remove: touchpoints.X` marks X `removed: true`: it leaves
// Scenario::touchpoints (listed in removed_touchpoints instead) and everyone
// who would enter it drops off, as in Markov-chain attribution's removal
// effect — transitions into it become drop-off, and customers made aware by
// a channel, initial awareness or word of mouth entering there are aware but
// drop off at once. Edits apply to the
// scenario's source_text, so changes made to `scenario` in code are not kept.
// The result's source_text is the edited YAML (it says what ran); it has no
// strategies, and locations in messages still point into the original file.
std::optional<Scenario> apply_strategy(const Scenario& scenario, const std::string& strategy_name,
                                       Diagnostics& diagnostics);

// Convenience for callers that want an exception: throws ScenarioError.
Scenario load_scenario_or_throw(const std::string& path);

}  // namespace journeysim
